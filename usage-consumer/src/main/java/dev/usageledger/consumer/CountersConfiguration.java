package dev.usageledger.consumer;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.limits.CachedKeyLimits;
import dev.usageledger.limits.ConflictFeed;
import dev.usageledger.limits.CounterProjector;
import dev.usageledger.limits.CounterRebuilder;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.LimitScripts;
import dev.usageledger.limits.LimitsChangeReceiver;
import dev.usageledger.limits.LimitsChangedCodec;
import dev.usageledger.limits.LimitsChangesTopic;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.limits.RedisClients;
import dev.usageledger.limits.UsageCounters;
import dev.usageledger.projections.event.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;
import redis.clients.jedis.RedisClient;

/**
 * The usage-fed counters of the limits ({@link CountersListener} over a {@link CounterProjector}); off with
 * {@code ledger.counters.enabled=false}. Their cached copy of each key's limits ({@link CachedKeyLimits}) follows
 * {@code limits.changed}: every instance reads {@code ledger.kafka.limits-topic} as relay-api does
 * ({@link LimitsChangesTopic}: its one partition assigned from the end, no group, nothing committed), so a change of
 * window length or weekly reset applies from the next batch.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "ledger.counters.enabled", havingValue = "true", matchIfMissing = true)
class CountersConfiguration {

    static final String CONTAINER_FACTORY = "countersBatchContainerFactory";

    @Bean(destroyMethod = "close")
    RedisClient countersRedis(LedgerSettings ledger, ConsumerSettings settings) {
        return RedisClients.create(ledger.redis().uri(), settings.redis().timeout(), 4, "usage-counters");
    }

    @Bean
    CachedKeyLimits countersKeyLimits(DataSource dataSource, ConsumerSettings settings, Clock clock) {
        return new CachedKeyLimits(new KeyLimitsStore(dataSource)::find, settings.counters().limitsCacheTtl(), clock);
    }

    @Bean
    CountersListener countersListener(EventCodec codec, RedisClient countersRedis, DataSource dataSource,
            CachedKeyLimits countersKeyLimits, ConsumerSettings settings, LedgerSettings ledger, Clock clock,
            MeterRegistry registry) {
        ConsumerSettings.Counters counters = settings.counters();
        counters.requireCovers(ledger.ingest().maxEventAge());
        LimitScripts scripts = new LimitScripts();
        QuotaPeriods periods = new QuotaPeriods(ledger.reporting().zoneId());
        CounterProjector.Config config = new CounterProjector.Config(counters.group(), settings.consumer().group(),
                ledger.kafka().partitions(), counters.reconcileInterval(), counters.idleInterval());
        return new CountersListener(new CounterProjector(codec,
                new UsageCounters(countersRedis, scripts, periods, clock, counters.dedupeHorizon()),
                new CounterRebuilder(dataSource, countersRedis, scripts, periods, clock),
                new ConflictFeed(dataSource, codec), countersKeyLimits, countersRedis, config, clock, registry));
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

    /** Created here too (one partition, as relay-api does), so that this app finds it whichever starts first. */
    @Bean
    NewTopic limitsChangesTopic(LedgerSettings ledger) {
        return TopicBuilder.name(ledger.kafka().limitsTopic()).partitions(1)
                .replicas(ledger.kafka().replicationFactor()).build();
    }

    @Bean
    LimitsChangeReceiver countersLimitsChangeReceiver(CachedKeyLimits countersKeyLimits, Clock clock,
            MeterRegistry registry) {
        return new LimitsChangeReceiver(countersKeyLimits::invalidate, new LimitsChangedCodec(), clock, registry);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, byte[]> limitsChangesContainer(KafkaProperties kafka,
            LedgerSettings ledger, LimitsChangeReceiver countersLimitsChangeReceiver) {
        ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset(
                ledger.kafka().limitsTopic(), LimitsChangesTopic.PARTITION, TopicPartitionOffset.SeekPosition.END));
        properties.setMessageListener((MessageListener<String, byte[]>) countersLimitsChangeReceiver::receive);
        properties.setAckMode(ContainerProperties.AckMode.MANUAL); // no group: nothing is ever committed
        properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
        return new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(LimitsChangesTopic.readerConfig(kafka.buildConsumerProperties())),
                properties);
    }
}
