package dev.usageledger.relayapi.limits;

import dev.usageledger.relayapi.config.LimitsProperties.FailurePolicy;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code redis} in {@code /actuator/health}: whether the limiter's Redis answers a PING, and the failure policy
 * admission follows while it does not. Deliberately not part of readiness: ingest never needs Redis.
 */
public final class RedisHealthIndicator implements HealthIndicator {

    private final UnifiedJedis redis;
    private final FailurePolicy policy;
    private final RedisBreaker breaker;

    public RedisHealthIndicator(UnifiedJedis redis, FailurePolicy policy, RedisBreaker breaker) {
        this.breaker = breaker;
        this.redis = redis;
        this.policy = policy;
    }

    @Override
    public Health health() {
        String policyName = policy.name().toLowerCase(java.util.Locale.ROOT);
        try {
            redis.ping();
            return Health.up().withDetail("failurePolicy", policyName).withDetail("breaker", breaker.state()).build();
        } catch (JedisException e) {
            return Health.down().withDetail("failurePolicy", policyName).withDetail("breaker", breaker.state())
                    .withDetail("admission", policy == FailurePolicy.OPEN ? "allowing every request"
                            : "answering 503")
                    .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
