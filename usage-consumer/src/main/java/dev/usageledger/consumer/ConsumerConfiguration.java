package dev.usageledger.consumer;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.LedgerSettings;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.BatchedInsertSink;
import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.LoadDataDirectory;
import dev.usageledger.projections.mysql.LoadDataSink;
import dev.usageledger.projections.mysql.ProjectionSink;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.projector.CatchUpBudget;
import dev.usageledger.projections.projector.Projector;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** Wires the framework-free projection ({@code projections} module) into Spring Kafka and JDBC. */
@Configuration(proxyBeanMethods = false)
class ConsumerConfiguration {

    static final String CONTAINER_FACTORY = "ledgerBatchContainerFactory";

    /** The contract settings shared with the other apps; a bad one fails the boot naming the property. */
    @Bean
    LedgerSettings ledgerSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate(LedgerSettings.PREFIX, LedgerSettings.class);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    TransactionRetry transactionRetry(ConsumerSettings settings, MeterRegistry registry) {
        return new TransactionRetry("projection", settings.projection().retry().toSettings(), registry);
    }

    @Bean
    ProjectionWriter projectionWriter(DataSource dataSource, ConsumerSettings settings, LedgerSettings ledger,
            TransactionRetry retry, Clock clock, MeterRegistry registry) {
        settings.projection().requireWithin(ledger.ingest().maxEventAge());
        ledger.retention().requireCovers(settings.projection().swapHorizon(), ledger.ingest().maxEventAge());
        SecureRandom random = new SecureRandom();
        return new ProjectionWriter(dataSource, new BatchFold(new Buckets(ledger.reporting().zoneId())), retry,
                clock, random::nextLong, registry, sink(settings.consumer().localInfileDir()),
                settings.projection().swapHorizon());
    }

    /** Batched INSERTs when blank; a directory that cannot be used fails the boot, naming the setting. */
    private static ProjectionSink sink(String dir) {
        if (dir.isBlank()) {
            return new BatchedInsertSink();
        }
        try {
            return new LoadDataSink(LoadDataDirectory.in(Path.of(dir)));
        } catch (RuntimeException e) {
            throw new InvalidSettingException("ledger.consumer.local-infile-dir", e.getMessage());
        }
    }

    @Bean
    Projector projector(EventCodec codec, ProjectionWriter writer, ConsumerOffsets offsets,
            DeadLetterPublishingRecoverer deadLetters, ConsumerSettings settings, MeterRegistry registry) {
        ConsumerSettings.Consumer consumer = settings.consumer();
        return new Projector(codec, writer, offsets, deadLetters::accept, consumer.group(),
                new CatchUpBudget(consumer.maxPollRecords(), consumer.catchUpBudget(), System::nanoTime), registry);
    }

    @Bean
    ConsumerOffsets consumerOffsets(DataSource dataSource, Clock clock, TransactionRetry retry) {
        return new ConsumerOffsets(dataSource, clock, retry);
    }

    @Bean
    NewTopic eventsTopic(LedgerSettings ledger) {
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
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ledgerBatchContainerFactory(KafkaProperties kafka,
            ConsumerSettings settings, MeterRegistry registry) {
        // Offsets live in MySQL with the projections; committing them to Kafka as well (after the
        // MySQL commit) only serves lag monitoring.
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = batchContainerFactory(kafka,
                settings.consumer().group(), settings.consumer().maxPollRecords(),
                Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024),
                settings.consumer().retryBackoff(), registry);
        factory.setConcurrency(settings.consumer().concurrency());
        // A transaction gathering polls commits soon after records stop coming (onIdleContainer, on the consumer
        // thread): after half a second at most, and an empty poll must not block longer than that.
        long idleMs = Math.min(CatchUpBudget.MAX_OPEN.toMillis(), 500);
        factory.getContainerProperties().setIdleEventInterval(idleMs);
        factory.getContainerProperties().setPollTimeout(idleMs);
        return factory;
    }

    /**
     * A batch listener container factory for one consumer group of this app: read_committed (relay-api
     * publishes in transactions: never project an aborted or open batch), no auto-commit, Kafka client
     * metrics, and a failed batch tried again after {@code retryBackoff}, forever: never skipped.
     * {@code extra} consumer settings apply unless set in {@code spring.kafka.consumer.*}.
     */
    static ConcurrentKafkaListenerContainerFactory<String, byte[]> batchContainerFactory(KafkaProperties kafka,
            String group, int maxPollRecords, Map<String, Object> extra, java.time.Duration retryBackoff,
            MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(kafka.buildConsumerProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        extra.forEach(props::putIfAbsent);
        DefaultKafkaConsumerFactory<String, byte[]> consumerFactory = new DefaultKafkaConsumerFactory<>(props);
        consumerFactory.addListener(new MicrometerConsumerListener<>(registry));
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.setCommonErrorHandler(new DefaultErrorHandler(
                new FixedBackOff(retryBackoff.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)));
        return factory;
    }

    @Bean
    DeadLetterPublishingRecoverer deadLetterRecoverer(KafkaProperties kafka, LedgerSettings ledger,
            MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(kafka.buildProducerProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        DefaultKafkaProducerFactory<Object, Object> producerFactory = new DefaultKafkaProducerFactory<>(props);
        producerFactory.addListener(new MicrometerProducerListener<>(registry));
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(producerFactory);
        String topic = ledger.kafka().deadLetterTopic();
        // Partition -1: let the producer's partitioner place it by key, whatever the DLT's partition count.
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(topic, -1));
        recoverer.setFailIfSendResultIsError(true);
        return recoverer;
    }
}
