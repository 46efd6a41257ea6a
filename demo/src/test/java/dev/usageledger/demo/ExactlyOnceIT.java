package dev.usageledger.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.IngestJson;
import dev.usageledger.fixtures.RelayedTraffic;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;

/**
 * The whole pipeline as processes — relay-api, Kafka, usage-consumer (its own JVM), MariaDB — under
 * resends, duplicate adjustments, a SIGKILL of the consumer mid-stream and a second consumer
 * joining the group (a rebalance) later: every request and every
 * adjustment is counted exactly once, and the CONTRACT §3 invariants hold at every granularity.
 */
class ExactlyOnceIT {

    private static final int EVENTS = 20_000;
    private static final int ADJUSTMENTS = 100;
    private static final int ADJUSTMENTS_POSTED_TWICE = 25;
    private static EmbeddedStack stack;
    private static LedgerApps apps;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStack.get();
        Path logs = Files.createDirectories(stack.baseDir().resolve("exactly-once-" + UUID.randomUUID()));
        // Small polls: many batches, so the kill lands between and inside transactions.
        apps = new LedgerApps(stack, logs, 0, 0).consumerArgs("--ledger.consumer.max-poll-records=500");
        apps.startAll();
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.stop();
        }
    }

    @Test
    void countsEveryRequestAndAdjustmentOnceThroughResendsAndAConsumerKill() throws Exception {
        RelayClient relay = new RelayClient(apps.relayUrl());
        RelayedTraffic traffic = DemoMain.traffic(7, Instant.now(), Duration.ofDays(4), 60, EVENTS, 10, ADJUSTMENTS);
        assertThat(traffic.resendsSameKey.size() + traffic.resendsOtherKey.size()).isEqualTo(EVENTS / 10);
        Set<UsageRecorded> otherKey = Collections.newSetFromMap(new IdentityHashMap<>());
        otherKey.addAll(traffic.resendsOtherKey);
        List<UsageRecorded> phase1 = traffic.interleaved().stream().filter(e -> !otherKey.contains(e)).toList();

        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), "root", "")) {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> post(relay, phase1, 250));
            long atKill = awaitAtLeast(db, "SELECT COUNT(*) FROM usage_records", EVENTS / 5, Duration.ofMinutes(3));
            apps.killConsumer();
            assertThat(apps.consumer().isAlive()).isFalse();
            assertThat(atKill).as("killed mid-stream").isBetween(1L, EVENTS - 1L);
            apps.startConsumer();
            // A second instance joins the group mid-stream: partitions move between live consumers,
            // and a consumer that lost a partition must not commit its batch (epoch fencing).
            awaitAtLeast(db, "SELECT COUNT(*) FROM usage_records", EVENTS / 2, Duration.ofMinutes(3));
            JavaProcess second = apps.startAnotherConsumer();
            sending.join();
            awaitAtLeast(db, "SELECT COUNT(*) FROM usage_records", EVENTS, Duration.ofMinutes(3));

            // Resends under another key travel on another partition; sent after their originals were counted.
            post(relay, traffic.resendsOtherKey, 250);
            for (int i = 0; i < ADJUSTMENTS; i++) {
                relay.postAdjustment(IngestJson.of(traffic.adjustments.get(i)), LedgerApps.ADMIN_TOKEN);
            }
            for (int i = 0; i < ADJUSTMENTS_POSTED_TWICE; i++) {
                relay.postAdjustment(IngestJson.of(traffic.adjustments.get(i)), LedgerApps.ADMIN_TOKEN);
            }
            awaitFullyConsumed(db);
            assertThat(second.isAlive()).isTrue();
            assertThat(count(db, "SELECT MAX(epoch) FROM consumer_offsets WHERE topic = 'usage-events'"))
                    .as("partitions were claimed again after the kill and the rebalance").isGreaterThanOrEqualTo(3);

            assertThat(count(db, "SELECT COUNT(*) FROM usage_records")).isEqualTo(EVENTS);
            assertThat(count(db, "SELECT COUNT(DISTINCT request_id) FROM usage_records")).isEqualTo(EVENTS);
            assertThat(count(db, "SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(ADJUSTMENTS);
            assertFirstAcceptedVersionsKept(db, traffic.originals);
            assertThat(count(db, "SELECT COUNT(DISTINCT bucket_start) FROM usage_stats WHERE granularity = 'day'"))
                    .isGreaterThanOrEqualTo(3);
            assertThat(count(db, "SELECT COUNT(DISTINCT api_key_id) FROM usage_records")).isGreaterThanOrEqualTo(50);
            assertThat(count(db, "SELECT COUNT(DISTINCT model) FROM usage_records")).isEqualTo(5);
            assertThat(count(db, "SELECT COUNT(DISTINCT account_id) FROM usage_records")).isEqualTo(3);
            assertThat(LedgerInvariants.mismatches(db, java.time.ZoneOffset.UTC)).isEmpty();
        }
    }

    private static void post(RelayClient relay, List<UsageRecorded> events, int batch) {
        try {
            for (int from = 0; from < events.size(); from += batch) {
                ArrayNode array = relay.mapper().createArrayNode();
                events.subList(from, Math.min(events.size(), from + batch)).forEach(e -> array.add(IngestJson.of(e)));
                relay.postUsage(array, LedgerApps.RELAY_TOKEN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertFirstAcceptedVersionsKept(Connection db, List<UsageRecorded> originals)
            throws SQLException {
        Map<String, String> stored = new HashMap<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT request_id, api_key_id, input_tokens, output_tokens FROM usage_records")) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getString(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4));
            }
        }
        for (UsageRecorded o : originals) {
            String expected = o.apiKeyId() + "/" + o.usage().input() + "/" + o.usage().output();
            assertThat(stored.get(o.requestId())).as(o.requestId()).isEqualTo(expected);
        }
    }

    /** Waits until the stored offset of every partition is past the last record on the topic. */
    private static void awaitFullyConsumed(Connection db) throws Exception {
        Map<Integer, Long> lastRecord = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = reader.partitionsFor("usage-events").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    lastRecord.merge(r.partition(), r.offset(), Math::max);
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Map<Integer, Long> stored = new HashMap<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT partition_id, next_offset FROM consumer_offsets WHERE topic = 'usage-events'")) {
                while (rs.next()) {
                    stored.put(rs.getInt(1), rs.getLong(2));
                }
            }
            if (lastRecord.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), -1L) > e.getValue())) {
                return;
            }
            assertThat(System.nanoTime()).as("consumed up to " + lastRecord + ", stored " + stored).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static long awaitAtLeast(Connection db, String sql, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last;
        while ((last = count(db, sql)) < n) {
            assertThat(System.nanoTime()).as(sql + " reached " + last + " of " + n).isLessThan(deadline);
            Thread.sleep(50);
        }
        return last;
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
