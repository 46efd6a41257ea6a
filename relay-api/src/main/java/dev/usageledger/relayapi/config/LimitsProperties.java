package dev.usageledger.relayapi.config;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits, quotas and concurrency (CONTRACT §4).
 *
 * @param cacheTtl      how long a key's limits are served from this instance's cache before MySQL is asked again;
 *                      a change made through this instance takes effect here at once, elsewhere within this time
 * @param cacheMaxKeys  most keys whose limits are cached
 * @param failurePolicy what admission answers while Redis or MySQL cannot decide: {@code open} (allow, without a
 *                      lease) or {@code closed} (503)
 * @param reportingZone the time zone of the daily and weekly cost quotas; must be usage-consumer's
 *                      {@code ledger.reporting.zone}
 */
@ConfigurationProperties("ledger.limits")
public record LimitsProperties(
        @DefaultValue("30s") Duration cacheTtl,
        @DefaultValue("100000") long cacheMaxKeys,
        @DefaultValue("open") FailurePolicy failurePolicy,
        @DefaultValue("UTC") ZoneId reportingZone) {

    /** Admission while the limiter cannot decide. */
    public enum FailurePolicy {
        /** Allow (no lease): an outage of Redis or MySQL never stops the relays. */
        OPEN,
        /** Answer 503: no call upstream goes uncounted. */
        CLOSED
    }

    public LimitsProperties {
        Settings.requirePositive(cacheTtl, "ledger.limits.cache-ttl");
        Settings.require(cacheMaxKeys >= 1, "ledger.limits.cache-max-keys", "must be at least 1, was " + cacheMaxKeys);
        Settings.require(failurePolicy != null, "ledger.limits.failure-policy", "must be open or closed");
        Settings.require(reportingZone != null, "ledger.limits.reporting-zone", "must be a time zone id");
    }
}
