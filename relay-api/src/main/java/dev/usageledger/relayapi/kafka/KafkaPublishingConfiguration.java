package dev.usageledger.relayapi.kafka;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.LedgerSettings;
import dev.usageledger.relayapi.config.IngestProperties;
import dev.usageledger.relayapi.config.RelayKafkaProperties;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The Kafka side of ingest. Connection and security settings come from {@code spring.kafka.*}; delivery guarantees
 * are fixed here and override anything set there: idempotent, transactional, {@code acks=all}, and every blocking
 * call of the producer bounded by {@code ledger.ingest.publish-timeout}.
 *
 * <p>{@link TopicProvisioner} creates the two {@link NewTopic}s through Boot's {@link KafkaAdmin} at start-up and,
 * when Kafka was down then, later; the start never fails for want of Kafka.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaPublishingConfiguration {

    static final int LINGER_MS = 5;
    /** A shared transaction of a few thousand events fills few, large batches per partition (default 16 KB). */
    static final int BATCH_SIZE = 128 * 1024;

    @Bean
    NewTopic usageEventsTopic(LedgerSettings ledger) {
        LedgerSettings.Kafka kafka = ledger.kafka();
        return TopicBuilder.name(kafka.topic()).partitions(kafka.partitions()).replicas(kafka.replicationFactor())
                .build();
    }

    @Bean
    NewTopic deadLetterTopic(LedgerSettings ledger) {
        LedgerSettings.Kafka kafka = ledger.kafka();
        return TopicBuilder.name(kafka.deadLetterTopic()).partitions(kafka.partitions())
                .replicas(kafka.replicationFactor()).build();
    }

    @Bean
    DefaultKafkaProducerFactory<String, byte[]> ledgerProducerFactory(KafkaProperties boot,
            RelayKafkaProperties kafka, IngestProperties ingest, MeterRegistry registry) {
        DefaultKafkaProducerFactory<String, byte[]> factory =
                new DefaultKafkaProducerFactory<>(producerConfig(boot.buildProducerProperties(), ingest.publishTimeout()));
        factory.setTransactionIdPrefix(kafka.transactionIdPrefix());
        factory.setPhysicalCloseTimeout(1);
        factory.addListener(new MicrometerProducerListener<>(registry));
        return factory;
    }

    /** Boot's producer settings with the ledger's guarantees on top. */
    public static Map<String, Object> producerConfig(Map<String, Object> base, Duration publishTimeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE / 4, publishTimeout.toMillis());
        Map<String, Object> config = new HashMap<>(base);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // lz4 unless spring.kafka.producer.compression-type says otherwise (CPU of relay-api and broker vs bytes).
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        requireValidCompression(config.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        // No single blocking call (metadata, initTransactions, commit, abort) may outlast a request's deadline.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + LINGER_MS);
        // A transaction left open by a crashed instance blocks read_committed consumers until the broker aborts it.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Math.max(10_000, 3 * timeoutMs));
        return config;
    }

    /**
     * Kafka checks the compression type only when the first producer is created, at the first publish: a wrong value
     * would boot and answer 503 to every ingest. Checked here, with Kafka's own validator, so it fails the boot.
     */
    private static void requireValidCompression(Object value) {
        String name = ProducerConfig.COMPRESSION_TYPE_CONFIG;
        try {
            ConfigDef.ConfigKey key = ProducerConfig.configDef().configKeys().get(name);
            key.validator.ensureValid(name, ConfigDef.parseType(name, value, key.type));
        } catch (ConfigException e) {
            throw new InvalidSettingException("spring.kafka.producer.compression-type", e.getMessage());
        }
    }

    @Bean
    KafkaTemplate<String, byte[]> ledgerKafkaTemplate(ProducerFactory<String, byte[]> ledgerProducerFactory) {
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(ledgerProducerFactory);
        template.setCloseTimeout(Duration.ofSeconds(1));
        // EventPublisher logs each failed request once; the default listener would log every record of it.
        template.setProducerListener(null);
        return template;
    }

    @Bean
    TopicProvisioner topicProvisioner(KafkaAdmin kafkaAdmin, RelayKafkaProperties kafka, List<NewTopic> topics) {
        return new TopicProvisioner(kafkaAdmin, topics, kafka.healthCacheTtl().isZero() ? Duration.ofSeconds(1)
                : kafka.healthCacheTtl());
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, byte[]> ledgerKafkaTemplate, LedgerSettings ledger,
            IngestProperties ingest, TopicProvisioner topics, IngestMetrics metrics) {
        return new EventPublisher(ledgerKafkaTemplate, ledger.kafka().topic(), ingest.publishTimeout(),
                ingest.publishConcurrency(), ingest.publishGroupMaxEvents(), topics, metrics);
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, RelayKafkaProperties kafka,
            TopicProvisioner topics) {
        return new KafkaHealthIndicator(kafkaAdmin.getConfigurationProperties(), kafka.healthTimeout(),
                kafka.healthCacheTtl(), topics);
    }
}
