package dev.usageledger.relayapi.config;

import dev.usageledger.common.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits, quotas and concurrency (CONTRACT §4). The daily and weekly cost quotas follow the shared
 * {@code ledger.reporting.zone}, as usage-consumer's usage-fed counters do.
 *
 * @param cacheTtl      how long a key's limits are served from this instance's cache before MySQL is asked again;
 *                      a change takes effect at once on the instance that took it and, through {@code limits.changed},
 *                      within about a second on the others; this is the bound when that event is lost
 * @param cacheMaxKeys  most keys whose limits are cached
 * @param failurePolicy what admission answers while Redis or MySQL cannot decide: {@code open} (allow, without a
 *                      lease) or {@code closed} (503)
 * @param breaker       the circuit breaker around Redis
 * @param changePublishTimeout how long a {@code PUT} of limits waits for Kafka to acknowledge its {@code limits.changed}
 *                      event; past it (Kafka down) the PUT still succeeds, the failure is logged and counted, and
 *                      other instances apply the change within {@code cacheTtl}
 */
@ConfigurationProperties("ledger.limits")
public record LimitsProperties(
        @DefaultValue("30s") Duration cacheTtl,
        @DefaultValue("100000") long cacheMaxKeys,
        @DefaultValue("open") FailurePolicy failurePolicy,
        @DefaultValue Breaker breaker,
        @DefaultValue("2s") Duration changePublishTimeout) {

    /**
     * @param failureRatePercent open when at least this share of the last {@code window} Redis calls failed to connect
     * @param window             calls the failure rate is measured over
     * @param waitInOpen         how long calls are refused at once before trial calls test Redis again
     */
    public record Breaker(
            @DefaultValue("50") int failureRatePercent,
            @DefaultValue("20") int window,
            @DefaultValue("2s") Duration waitInOpen) {
        public Breaker {
            Settings.require(failureRatePercent >= 1 && failureRatePercent <= 100,
                    "ledger.limits.breaker.failure-rate-percent", "must be between 1 and 100, was " + failureRatePercent);
            Settings.require(window >= 1 && window <= 10_000, "ledger.limits.breaker.window",
                    "must be between 1 and 10000, was " + window);
            Settings.requirePositive(waitInOpen, "ledger.limits.breaker.wait-in-open");
        }
    }

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
        Settings.requirePositive(changePublishTimeout, "ledger.limits.change-publish-timeout");
    }
}
