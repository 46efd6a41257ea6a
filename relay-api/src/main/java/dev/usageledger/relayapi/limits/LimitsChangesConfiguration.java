package dev.usageledger.relayapi.limits;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.limits.LimitsChangeReceiver;
import dev.usageledger.limits.LimitsChangedCodec;
import dev.usageledger.limits.LimitsChangesTopic;
import dev.usageledger.relayapi.config.LimitsProperties;
import dev.usageledger.relayapi.kafka.KafkaPublishingConfiguration;
import dev.usageledger.relayapi.kafka.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Cross-instance invalidation of the limits cache: the {@code limits.changed} topic (created with the others by
 * {@link TopicProvisioner}, one partition), a plain (non-transactional) producer for it, and on every instance a
 * listener container that assigns itself partition 0 from its end: no consumer group, so every instance reads every
 * change, nothing is committed, and a restarted instance (its cache empty) starts at the changes to come.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsChangesConfiguration {

    @Bean
    NewTopic limitsChangesTopic(LedgerSettings ledger) {
        return TopicBuilder.name(ledger.kafka().limitsTopic()).partitions(1)
                .replicas(ledger.kafka().replicationFactor()).build();
    }

    @Bean
    LimitsChangedCodec limitsChangedCodec() {
        return new LimitsChangedCodec();
    }

    @Bean
    LimitsChangePublisher limitsChangePublisher(KafkaProperties boot, LedgerSettings ledger,
            LimitsProperties limits, TopicProvisioner topics, LimitsChangedCodec codec, MeterRegistry registry) {
        DefaultKafkaProducerFactory<String, byte[]> factory =
                new DefaultKafkaProducerFactory<>(producerConfig(boot.buildProducerProperties(), limits.changePublishTimeout()));
        factory.setPhysicalCloseTimeout(1);
        factory.addListener(new MicrometerProducerListener<>(registry));
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
        template.setCloseTimeout(Duration.ofSeconds(1));
        template.setProducerListener(null); // the publisher logs a failure once
        return new LimitsChangePublisher(template, codec, ledger.kafka().limitsTopic(), limits.changePublishTimeout(), topics,
                registry);
    }

    /**
     * The ingest producer's settings (acknowledged by all in-sync replicas, idempotent, no call blocking longer than
     * {@code timeout}), not transactional, sent at once: a change of limits is one small record.
     */
    static Map<String, Object> producerConfig(Map<String, Object> base, Duration timeout) {
        Map<String, Object> config = KafkaPublishingConfiguration.producerConfig(base, timeout);
        config.remove(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
        return config;
    }

    @Bean
    LimitsChangeReceiver limitsChangeReceiver(LimitsCache cache, LimitsChangedCodec codec, Clock clock,
            MeterRegistry registry) {
        return new LimitsChangeReceiver(cache::invalidate, codec, clock, registry);
    }

    @Bean
    ConcurrentMessageListenerContainer<String, byte[]> limitsChangesContainer(KafkaProperties boot,
            LedgerSettings ledger, LimitsChangeReceiver receiver) {
        ContainerProperties properties = new ContainerProperties(new TopicPartitionOffset(ledger.kafka().limitsTopic(),
                LimitsChangesTopic.PARTITION, TopicPartitionOffset.SeekPosition.END));
        properties.setMessageListener((MessageListener<String, byte[]>) receiver::receive);
        // No group: nothing is ever committed (a restarted instance starts at the end again).
        properties.setAckMode(ContainerProperties.AckMode.MANUAL);
        properties.setAssignmentCommitOption(ContainerProperties.AssignmentCommitOption.NEVER);
        ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(LimitsChangesTopic.readerConfig(boot.buildConsumerProperties())),
                properties);
        container.setBeanName("limitsChanges");
        return container;
    }
}
