package dev.usageledger.consumer;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.limits.CounterRebuilder;
import dev.usageledger.projections.limits.KeyLimitsStore;
import dev.usageledger.projections.limits.LimitScripts;
import dev.usageledger.projections.limits.QuotaPeriods;
import dev.usageledger.projections.limits.UsageCounters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;
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
        Map<String, Object> props = new HashMap<>(kafka.buildConsumerProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.counters().group());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.counters().maxPollRecords());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        DefaultKafkaConsumerFactory<String, byte[]> consumerFactory = new DefaultKafkaConsumerFactory<>(props);
        consumerFactory.addListener(new MicrometerConsumerListener<>(registry));
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setBatchListener(true);
        // Where to resume is kept in Redis with the counters; committing to Kafka as well only serves lag monitoring.
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.getContainerProperties().setIdleEventInterval(settings.counters().idleInterval().toMillis());
        // Redis (or, for a key never seen, MySQL) down: the batch is tried again, forever; never skipped.
        factory.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(
                settings.counters().retryBackoff().toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)));
        return factory;
    }
}
