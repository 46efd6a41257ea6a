package dev.usageledger.consumer;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.limits.CounterRebuilder;
import dev.usageledger.projections.limits.KeyLimitsStore;
import dev.usageledger.projections.limits.LimitScripts;
import dev.usageledger.projections.limits.QuotaPeriods;
import dev.usageledger.projections.limits.UsageCounters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import dev.usageledger.projections.limits.RedisClients;
import redis.clients.jedis.RedisClient;

/** The usage-fed counters of the limits ({@link CountersListener}); off with {@code ledger.counters.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "ledger.counters.enabled", havingValue = "true", matchIfMissing = true)
class CountersConfiguration {

    static final String CONTAINER_FACTORY = "countersBatchContainerFactory";

    @Bean(destroyMethod = "close")
    RedisClient countersRedis(ConsumerSettings settings) {
        return RedisClients.create(settings.redis().uri(), settings.redis().timeout(), 4, "usage-counters");
    }

    @Bean
    CountersListener countersListener(EventCodec codec, RedisClient countersRedis, DataSource dataSource,
            ConsumerSettings settings, Clock clock, MeterRegistry registry) {
        LimitScripts scripts = new LimitScripts();
        QuotaPeriods periods = new QuotaPeriods(settings.reporting().zoneId());
        return new CountersListener(codec,
                new UsageCounters(countersRedis, scripts, periods, clock, settings.counters().dedupeHorizon()),
                new CounterRebuilder(dataSource, countersRedis, scripts, periods, clock),
                new CachedKeyLimits(new KeyLimitsStore(dataSource), settings.counters().limitsCacheTtl(), clock),
                countersRedis, settings, clock, registry);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> countersBatchContainerFactory(KafkaProperties kafka,
            ConsumerSettings settings, MeterRegistry registry) {
        // Where to resume is kept in Redis with the counters; committing to Kafka as well only serves lag
        // monitoring. Redis (or, for a key never seen, MySQL) down: the batch is tried again, forever.
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = ConsumerConfiguration.batchContainerFactory(
                kafka, settings.counters().group(), settings.counters().maxPollRecords(), Map.of(),
                settings.counters().retryBackoff(), registry);
        factory.getContainerProperties().setIdleEventInterval(settings.counters().idleInterval().toMillis());
        return factory;
    }
}
