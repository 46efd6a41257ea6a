package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.HealthVisibility;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.projector.Projector;
import dev.usageledger.stack.EmbeddedStack;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** usage-consumer in-process against a real Kafka broker and a real MariaDB. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsageConsumerIT {

    private static final String TOPIC = "usage-events-consumer-it";
    private static final String DLT = TOPIC + ".DLT";
    private static final String DATABASE = "consumer_it";
    private static final String ADMIN_TOKEN = "consumer-admin-token-0123456789";
    private static EmbeddedStack stack;

    @Autowired
    EventCodec codec;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @BeforeAll
    static void database() {
        stack().mariaDb().createDatabase(DATABASE);
    }

    private static EmbeddedStack stack() {
        if (stack == null) {
            stack = TestStack.get();
        }
        return stack;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestStack.appProperties(TestStack.emptyDatabase(DATABASE))
                .forEach((name, value) -> registry.add(name, () -> value));
        registry.add("ledger.kafka.topic", () -> TOPIC);
        registry.add("ledger.kafka.dead-letter-topic", () -> DLT);
        registry.add("ledger.kafka.partitions", () -> "3");
        registry.add("ledger.consumer.group", () -> "consumer-it");
        // Small polls, so a backlog of a few hundred events is gathered into transactions of several polls.
        registry.add("ledger.consumer.max-poll-records", () -> "30");
        registry.add("ledger.consumer.catch-up-budget", () -> "300");
        registry.add("ledger.counters.group", () -> "counters-it");
        registry.add("ledger.reporting.zone", () -> "Asia/Shanghai");
        registry.add("ledger.security.admin-tokens", () -> "ops:" + ADMIN_TOKEN);
    }

    @Test
    void healthShowsItsComponentsOnlyToAnAdminToken() {
        HealthVisibility.assertDetailsOnlyForAdmins("http://127.0.0.1:" + port, ADMIN_TOKEN);
    }

    @Test
    @Order(1)
    void projectsEachRequestOnceAndDeadLettersPoisonWithItsReason() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(usage("it_req_" + i, now.minusSeconds(i * 600L), "key_" + (i % 7), 100 + i));
        }
        // Resends: same id, other counts, other key — never counted again.
        events.add(usage("it_req_1", now, "key_1", 999_999));
        events.add(usage("it_req_2", now, "key_other", 5));
        events.add(adjustment("it_adj_1", now, "key_1", "-1.25"));
        events.add(adjustment("it_adj_1", now, "key_1", "-1.25"));

        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.initTransactions();
            producer.beginTransaction();
            for (LedgerEvent e : events) {
                producer.send(new ProducerRecord<>(TOPIC, e.apiKeyId(), codec.encode(e)));
            }
            producer.send(new ProducerRecord<>(TOPIC, "key_1", "not json".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(TOPIC, "key_2",
                    "{\"type\":\"usage.recorded\",\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }

        try (Connection c = DriverManager.getConnection(stack().mariaDb().jdbcUrl(DATABASE), "root", "")) {
            awaitCount(c, "SELECT COUNT(*) FROM usage_records", 300);
            awaitCount(c, "SELECT COALESCE(SUM(next_offset), 0) FROM consumer_offsets WHERE topic = '" + TOPIC + "'",
                    events.size() + 2);
            assertThat(count(c, "SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(1);
            assertThat(count(c, "SELECT input_tokens FROM usage_records WHERE request_id = 'it_req_1'"))
                    .isEqualTo(101);
            assertThat(count(c, "SELECT COUNT(*) FROM usage_records WHERE api_key_id = 'key_other'")).isZero();
            long expectedInput = 0;
            for (int i = 0; i < 300; i++) {
                expectedInput += 100 + i;
            }
            for (String g : List.of("hour", "day", "month")) {
                assertThat(count(c, "SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = '" + g + "'"))
                        .as(g).isEqualTo(expectedInput);
                assertThat(count(c, "SELECT SUM(requests) FROM usage_stats WHERE granularity = '" + g + "'"))
                        .as(g).isEqualTo(300);
            }
            // Stored as the UTC instant, whatever the JVM's default zone (America/Los_Angeles here).
            assertThat(java.util.TimeZone.getDefault().getRawOffset()).isNotZero();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT DATE_FORMAT(occurred_at, '%Y-%m-%dT%H:%i:%s.%f') FROM usage_records WHERE request_id = 'it_req_0'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC)
                        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'000'")));
            }
            // Day buckets follow the reporting zone (UTC+8): they start at 16:00 UTC.
            assertThat(count(c, "SELECT COUNT(*) FROM usage_stats WHERE granularity = 'day' "
                    + "AND TIME(bucket_start) <> '16:00:00'")).isZero();
        }

        Map<String, String> reasons = deadLetterReasons(2);
        assertThat(reasons).hasSize(2);
        assertThat(String.join("|", reasons.values())).contains("not JSON").contains("schemaVersion 99");

        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/prometheus"))
                .contains("ledger_events_projected_total{application=\"usage-consumer\",outcome=\"new\",type=\"usage.recorded\"} 300.0")
                .contains("ledger_events_projected_total{application=\"usage-consumer\",outcome=\"duplicate\",type=\"usage.recorded\"} 2.0")
                .contains("ledger_consumer_dead_lettered_total{application=\"usage-consumer\"} 2.0")
                .contains("ledger_consumer_batch_seconds_count")
                .contains("ledger_projection_retries_total")
                .contains("hikaricp_connections_active")
                .contains("kafka_consumer_fetch_manager_records_consumed_total");
    }

    @Test
    @Order(2)
    void aConsumerWhoseClaimWentStaleReclaimsRewindsAndLosesNothing() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Connection c = DriverManager.getConnection(stack().mariaDb().jdbcUrl(DATABASE), "root", "")) {
            awaitCount(c, "SELECT COUNT(*) FROM consumer_offsets WHERE topic = '" + TOPIC + "'", 3);
            long before = count(c, "SELECT COUNT(*) FROM usage_records WHERE request_id LIKE 'stale_%'");
            assertThat(before).isZero();
            // Another consumer claimed every partition meanwhile (as after a rebalance this one missed).
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE consumer_offsets SET epoch = epoch + 1 WHERE topic = '" + TOPIC + "'");
            }
            try (KafkaProducer<String, byte[]> producer = producer()) {
                producer.initTransactions();
                for (int batch = 0; batch < 5; batch++) {
                    producer.beginTransaction();
                    for (int i = 0; i < 40; i++) {
                        int n = batch * 40 + i;
                        producer.send(new ProducerRecord<>(TOPIC, "key_" + (n % 5),
                                codec.encode(usage("stale_" + n, now, "key_" + (n % 5), 1))));
                    }
                    producer.commitTransaction();
                    Thread.sleep(100);
                }
            }
            awaitCount(c, "SELECT COUNT(*) FROM usage_records WHERE request_id LIKE 'stale_%'", 200);
            assertThat(count(c, "SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = 'day' "
                    + "AND api_key_id LIKE 'key_%'")).isGreaterThan(0);
            assertThat(LedgerInvariantsHolder.mismatches(c)).isEmpty();
        }
        assertThat(get("/actuator/prometheus")).containsPattern("ledger_consumer_fenced_batches_total\\{[^}]*\\} [1-9]");
    }

    @Test
    @Order(3)
    void aTransactionOfSeveralPollsCutOffMidwayIsRewoundAndCountsEveryEventOnce() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int n = 3_000;
        try (Connection c = DriverManager.getConnection(stack().mariaDb().jdbcUrl(DATABASE), "root", "")) {
            long before = count(c, "SELECT COUNT(*) FROM usage_records");
            long inputBefore = count(c, "SELECT COALESCE(SUM(input_tokens), 0) FROM usage_stats WHERE granularity = 'month'");
            try (KafkaProducer<String, byte[]> producer = producer()) {
                producer.initTransactions();
                producer.beginTransaction(); // one Kafka transaction: a backlog of full polls at once
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "key_" + (i % 11),
                            codec.encode(usage("cut_" + i, now.minusSeconds(i), "key_" + (i % 11), 2))));
                }
                producer.commitTransaction();
            }
            // Kill the consumer's connections to its database until a gathering transaction was cut off midway.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!get("/actuator/prometheus").matches("(?s).*ledger_consumer_rewinds_total\\{[^}]*reason=\"connection\"[^}]*\\} [1-9].*")
                    && count(c, "SELECT COUNT(*) FROM usage_records") < before + n && System.nanoTime() < deadline) {
                killOtherConnections(c);
                Thread.sleep(40);
            }
            awaitCount(c, "SELECT COUNT(*) FROM usage_records", before + n);
            assertThat(count(c, "SELECT COALESCE(SUM(input_tokens), 0) FROM usage_stats WHERE granularity = 'month'"))
                    .isEqualTo(inputBefore + 2L * n);
            assertThat(LedgerInvariantsHolder.mismatches(c)).isEmpty();
        }
        assertThat(get("/actuator/prometheus"))
                .containsPattern("ledger_consumer_rewinds_total\\{[^}]*reason=\"connection\"[^}]*\\} [1-9]")
                .containsPattern("ledger_consumer_transaction_polls_max\\{[^}]*\\} ([2-9]|10)\\.0");
    }

    private static void killOtherConnections(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST "
                + "WHERE DB = '" + DATABASE + "' AND ID <> CONNECTION_ID()")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        for (long id : ids) {
            try (Statement s = c.createStatement()) {
                s.execute("KILL CONNECTION " + id);
            } catch (SQLException gone) {
                // ended meanwhile
            }
        }
    }

    /** The invariants, with the reporting zone this test runs the consumer with. */
    private static final class LedgerInvariantsHolder {
        static List<String> mismatches(Connection c) throws SQLException {
            return dev.usageledger.projections.mysql.LedgerInvariants.mismatches(c, java.time.ZoneId.of("Asia/Shanghai"));
        }
    }

    private String get(String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static UsageRecorded usage(String id, Instant at, String key, long input) {
        return Events.usage(id).at(at).key(key).account("acc_1").tokens(input, 10).cost("0.00123", "0.00123")
                .source(PricingSource.RELAY).relay("relay-it", at).build();
    }

    private static CostAdjusted adjustment(String id, Instant at, String key, String amount) {
        return new CostAdjusted(1, id, at, key, null, CostAdjusted.ANY_MODEL, new BigDecimal(amount),
                new BigDecimal(amount), "it", "admin", at);
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "consumer-it-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    private static Map<String, String> deadLetterReasons(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(DLT));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reasons.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    var h = r.headers().lastHeader(Projector.REASON_HEADER);
                    reasons.put(new String(r.value(), StandardCharsets.UTF_8),
                            h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }

    private static void awaitCount(Connection c, String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = count(c, sql);
            if (last >= expected) {
                assertThat(last).as(sql).isEqualTo(expected);
                return;
            }
            Thread.sleep(200);
        }
        assertThat(last).as(sql).isEqualTo(expected);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
