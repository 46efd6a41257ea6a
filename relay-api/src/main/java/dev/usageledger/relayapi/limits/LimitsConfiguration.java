package dev.usageledger.relayapi.limits;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.LimitScripts;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.limits.RedisClients;
import dev.usageledger.limits.RedisLimiter;
import dev.usageledger.relayapi.config.LimitsProperties;
import dev.usageledger.relayapi.config.RedisProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.RedisClient;

/**
 * Wiring of the limiter: a pooled jedis {@link RedisClient} (connections are made lazily, so the app starts while
 * Redis is down), the limits store on the app's {@link DataSource}, the cache and the admission service.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

    @Bean(destroyMethod = "close")
    RedisClient redisClient(LedgerSettings ledger, RedisProperties properties) {
        return RedisClients.create(ledger.redis().uri(), properties.timeout(), properties.poolSize(), "relay-api");
    }

    @Bean
    RedisLimiter redisLimiter(RedisClient redis, Clock clock, LedgerSettings ledger) {
        return new RedisLimiter(redis, new LimitScripts(), clock, new QuotaPeriods(ledger.reporting().zoneId()));
    }

    @Bean
    KeyLimitsStore keyLimitsStore(DataSource dataSource) {
        return new KeyLimitsStore(dataSource);
    }

    @Bean
    LimitsCache limitsCache(KeyLimitsStore store, LimitsProperties limits, MeterRegistry registry) {
        return new LimitsCache(store, limits.cacheTtl(), limits.cacheMaxKeys()).bindTo(registry);
    }

    /** {@code redis} in {@code /actuator/health} (not in readiness). */
    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisClient redis, LimitsProperties limits, RedisBreaker breaker) {
        return new RedisHealthIndicator(redis, limits.failurePolicy(), breaker);
    }

    @Bean
    RedisBreaker redisBreaker(LimitsProperties limits, MeterRegistry registry) {
        LimitsProperties.Breaker b = limits.breaker();
        return new RedisBreaker(b.failureRatePercent(), b.window(), b.waitInOpen(), registry);
    }

    @Bean
    AdmissionMetrics admissionMetrics(MeterRegistry registry) {
        return new AdmissionMetrics(registry);
    }

    @Bean
    Admissions admissions(RedisLimiter limiter, LimitsCache cache, KeyLimitsStore store, LimitsProperties limits,
            AdmissionMetrics metrics, Clock clock, RedisBreaker breaker, LimitsChangeNotifier changes) {
        return new Admissions(limiter, cache, store, limits.failurePolicy(), metrics, clock, breaker,
                new LocalWindows(clock, limits.cacheMaxKeys()), changes);
    }
}
