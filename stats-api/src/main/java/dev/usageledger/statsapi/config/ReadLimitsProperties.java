package dev.usageledger.statsapi.config;

import dev.usageledger.common.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How much work one series request may ask for; beyond it the answer is a 400 naming the parameter to change.
 *
 * @param maxBuckets buckets between {@code from} and {@code to} at the requested granularity
 * @param maxPoints  buckets × groups (the points of the answer)
 */
@ConfigurationProperties("ledger.stats")
public record ReadLimitsProperties(@DefaultValue("10000") int maxBuckets, @DefaultValue("200000") int maxPoints) {

    public ReadLimitsProperties {
        Settings.require(maxBuckets >= 1, "ledger.stats.max-buckets", "must be at least 1, was " + maxBuckets);
        Settings.require(maxPoints >= maxBuckets, "ledger.stats.max-points",
                "must be at least ledger.stats.max-buckets (" + maxBuckets + "), was " + maxPoints);
    }
}
