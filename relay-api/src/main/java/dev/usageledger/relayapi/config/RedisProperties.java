package dev.usageledger.relayapi.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Redis of the limiter's hot counters.
 *
 * @param uri      {@code redis://[user:password@]host:port[/db]} or {@code rediss://…} for TLS
 * @param timeout  connect and read timeout of one call; an admission waits at most about this long for Redis
 * @param poolSize most connections (and so admissions in flight on Redis at once)
 */
@ConfigurationProperties("ledger.redis")
public record RedisProperties(
        @DefaultValue("redis://127.0.0.1:6379") URI uri,
        @DefaultValue("500ms") Duration timeout,
        @DefaultValue("32") int poolSize) {

    public RedisProperties {
        Settings.require(uri != null && ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                        && uri.getHost() != null, "ledger.redis.uri",
                "must be redis://host:port or rediss://host:port, was " + uri);
        Settings.requirePositive(timeout, "ledger.redis.timeout");
        Settings.require(timeout.compareTo(Duration.ofSeconds(30)) <= 0, "ledger.redis.timeout",
                "must be at most 30s, was " + timeout);
        Settings.require(poolSize >= 1 && poolSize <= 1024, "ledger.redis.pool-size",
                "must be between 1 and 1024, was " + poolSize);
    }

    @Override
    public String toString() {
        return "RedisProperties[uri=" + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()
                + ", timeout=" + timeout + ", poolSize=" + poolSize + "]";
    }
}
