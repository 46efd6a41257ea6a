package dev.usageledger.relayapi.config;

import dev.usageledger.common.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * relay-api's client of the limiter's Redis; the Redis itself ({@code ledger.redis.uri}) is a shared setting,
 * {@link dev.usageledger.common.LedgerSettings.Redis}.
 *
 * @param timeout  connect and read timeout of one call; an admission waits at most about this long for Redis
 * @param poolSize most connections (and so admissions in flight on Redis at once)
 */
@ConfigurationProperties("ledger.redis")
public record RedisProperties(
        @DefaultValue("500ms") Duration timeout,
        @DefaultValue("32") int poolSize) {

    public RedisProperties {
        Settings.requirePositive(timeout, "ledger.redis.timeout");
        Settings.require(timeout.compareTo(Duration.ofSeconds(30)) <= 0, "ledger.redis.timeout",
                "must be at most 30s, was " + timeout);
        Settings.require(poolSize >= 1 && poolSize <= 1024, "ledger.redis.pool-size",
                "must be between 1 and 1024, was " + poolSize);
    }
}
