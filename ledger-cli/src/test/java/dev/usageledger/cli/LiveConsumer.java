package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.consumer.UsageConsumerApplication;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.stack.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * usage-consumer running in this JVM against the shared embedded stack, with its own database, topic
 * {@code <name>-events} ({@value #PARTITIONS} partitions), its dead-letter topic and group: the live projection the
 * CLI works beside. The counters projection is off (Redis plays no part here).
 */
final class LiveConsumer implements AutoCloseable {

    static final int PARTITIONS = 3;

    final String topic;
    final String deadLetterTopic;
    final String jdbcUrl;
    final String zone;
    private final Map<String, String> properties;
    private ConfigurableApplicationContext app;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    LiveConsumer(String name, String zone) {
        this.topic = name + "-events";
        this.deadLetterTopic = topic + ".DLT";
        this.zone = zone;
        this.jdbcUrl = TestStack.emptyDatabase(name.replace('-', '_'));
        properties = new HashMap<>(TestStack.appProperties(jdbcUrl));
        properties.put("server.port", "0");
        properties.put("ledger.kafka.topic", topic);
        properties.put("ledger.kafka.dead-letter-topic", deadLetterTopic);
        properties.put("ledger.kafka.partitions", String.valueOf(PARTITIONS));
        properties.put("ledger.consumer.group", name);
        properties.put("ledger.consumer.max-poll-records", "200");
        properties.put("ledger.counters.enabled", "false");
        properties.put("ledger.reporting.zone", zone);
        start();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(producerProps);
    }

    /** Starts usage-consumer (again, after {@link #stop}): it resumes from the offsets it stored. */
    void start() {
        // As command-line arguments: they override the app's own files (default properties would not).
        app = new SpringApplicationBuilder(UsageConsumerApplication.class).run(properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    /** Stops usage-consumer: what is published meanwhile is on the topic, never seen by it. */
    void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    /** Every CONTRACT §3 invariant holds over the whole database. */
    void assertInvariantsHold() {
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(jdbcUrl);
            ds.setUsername(EmbeddedMariaDb.USER);
            ds.setPassword(EmbeddedMariaDb.PASSWORD);
            ds.setMaximumPoolSize(1);
            LedgerInvariants.assertHold(ds, ZoneId.of(zone));
        }
    }

    static String bootstrapServers() {
        return TestStack.get().bootstrapServers();
    }

    /** Publishes the events to the events topic, keyed by api key as relay-api does; returns once Kafka acked. */
    void publish(List<? extends LedgerEvent> events) {
        for (LedgerEvent e : events) {
            producer.send(new ProducerRecord<>(topic, e.apiKeyId(), codec.encode(e)));
        }
        producer.flush();
    }

    /**
     * Publishes raw bytes to a topic (a poison message, or a record written to the dead-letter topic by hand);
     * returns where it landed.
     */
    RecordMetadata publishRaw(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    EventCodec codec() {
        return codec;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD);
    }

    /** Waits until the consumer's stored offsets reach the topic's end: everything published so far is projected. */
    void awaitProjected() throws Exception {
        long end = endOffsets();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (Connection c = connect()) {
            while (true) {
                long stored = single(c, "SELECT COALESCE(SUM(GREATEST(next_offset, 0)), 0) FROM consumer_offsets "
                        + "WHERE topic = '" + topic + "'");
                if (stored >= end) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("projected up to " + stored + " of " + end);
                }
                Thread.sleep(100);
            }
        }
    }

    static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long endOffsets() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The CLI's database options for this consumer's database. */
    List<String> databaseOptions() {
        return List.of("--jdbc-url", jdbcUrl, "--db-user", EmbeddedMariaDb.USER, "--zone", zone);
    }

    /** The CLI's Kafka options for this consumer's topics. */
    List<String> kafkaOptions() {
        return List.of("--bootstrap-servers", bootstrapServers(), "--topic", topic, "--dead-letter-topic",
                deadLetterTopic);
    }

    @Override
    public void close() {
        producer.close();
        stop();
    }
}
