package dev.usageledger.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.IngestJson;
import dev.usageledger.fixtures.RelayedTraffic;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.projections.version.CallerFields;
import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.JavaProcess;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;

/**
 * The whole pipeline as processes — relay-api, Kafka, usage-consumer (its own JVM), MariaDB — under resends posted
 * after their originals were accepted (a tenth of the requests, a third of those under another key, so on another
 * partition; adjustments too), while the consumer is behind: a quarter of the traffic is posted while it is down, it
 * starts behind and is SIGKILLed while a projection transaction is open (held there by a table lock of the test: at
 * the id claims, at the stats upsert of commit) and a backlog waits, three times; then a second consumer joins the
 * group. Afterwards every stored request and adjustment is the version relay-api accepted first (CONTRACT §1), every cell of every stats table
 * equals the sums the test computes from those versions, {@code ledger_conflicts} lists exactly the ids whose versions
 * differ, and some versions were swapped.
 *
 * <p>{@code -Dexactly-once.events=100000} runs it at the size of issue 11's "Done when".
 */
class ExactlyOnceIT {

    private static final int EVENTS = Integer.getInteger("exactly-once.events", 20_000);
    private static final int ADJUSTMENTS = 100;
    private static final int BATCH = 250;
    private static final int MAX_POLL_RECORDS = 100;
    /** Per kill, the table whose lock holds the projection transaction open: where in the transaction it dies. */
    private static final List<String> KILL_POINTS = List.of("ledger_event_ids", "usage_stats", "account_usage_stats");
    private static EmbeddedStack stack;
    private static LedgerApps apps;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stack = TestStack.get();
        Path logs = Files.createDirectories(stack.baseDir().resolve("exactly-once-" + UUID.randomUUID()));
        // Small polls: a backlog is read in many polls, gathered into long transactions the kills land in.
        apps = new LedgerApps(stack, logs, 0, 0)
                .consumerArgs("--ledger.consumer.max-poll-records=" + MAX_POLL_RECORDS);
        apps.startRelayApi();
        // Migrated before the consumer first starts, so the test can lock the id claims table from the first phase on.
        Flyway.configure().dataSource(stack.jdbcUrl(), "root", "").locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.stop();
        }
    }

    /** What the sender posts: each original once, some of them resent after their original's 202. */
    private record Traffic(List<UsageRecorded> originals, Map<Integer, List<UsageRecorded>> resendsAfterBatch,
            List<CostAdjusted> adjustments, Map<Integer, List<CostAdjusted>> adjustmentResendsAfter) {}

    private static Traffic traffic() {
        RelayedTraffic base = DemoMain.traffic(7, Instant.now(), Duration.ofDays(4), 60, EVENTS, 0, ADJUSTMENTS);
        SplittableRandom random = new SplittableRandom(11);
        int batches = (EVENTS + BATCH - 1) / BATCH;
        Map<Integer, List<UsageRecorded>> resends = new HashMap<>();
        Set<Integer> resent = new HashSet<>();
        while (resent.size() < EVENTS / 10) {
            int i = random.nextInt(EVENTS);
            if (!resent.add(i)) {
                continue;
            }
            UsageRecorded o = base.originals.get(i);
            UsageRecorded r = switch (resent.size() % 3) {
                case 0 -> copy(o, o.apiKeyId(), o.usage());
                case 1 -> copy(o, o.apiKeyId(), new TokenUsage(o.usage().input() + 1 + random.nextInt(500),
                        o.usage().output() + 7, o.usage().cacheCreate(), o.usage().ephemeral5m(),
                        o.usage().ephemeral1h(), o.usage().cacheRead()));
                default -> copy(o, otherKey(o.apiKeyId(), random), o.usage());
            };
            // Posted one to three batches after the batch of its original was accepted.
            resends.computeIfAbsent(Math.min(batches, i / BATCH + 1 + random.nextInt(3)), k -> new ArrayList<>())
                    .add(r);
        }
        Map<Integer, List<CostAdjusted>> adjustmentResends = new HashMap<>();
        for (int i = 0; i < ADJUSTMENTS / 2; i++) {
            CostAdjusted a = base.adjustments.get(i);
            CostAdjusted r = i % 2 == 0 ? a : new CostAdjusted(a.schemaVersion(), a.adjustmentId(), a.occurredAt(),
                    otherKey(a.apiKeyId(), random), a.accountId(), a.model(), a.realUsd().add(BigDecimal.ONE),
                    a.ratedUsd().add(BigDecimal.ONE), a.reason(), null, null);
            adjustmentResends.computeIfAbsent(i + 1 + random.nextInt(3), k -> new ArrayList<>()).add(r);
        }
        return new Traffic(base.originals, resends, base.adjustments, adjustmentResends);
    }

    @Test
    void keepsTheFirstAcceptedVersionOfEveryRequestAndAdjustmentThroughResendsAndConsumerKills() throws Exception {
        RelayClient relay = new RelayClient(apps.relayUrl());
        Traffic traffic = traffic();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), "root", "");
                KafkaConsumer<byte[], byte[]> kafka = endOffsetReader()) {
            // Four phases, each posting a quarter of the traffic. The first is posted before the consumer ever
            // started; the middle two while it runs, after the test locked a table: its next projection transaction
            // waits for the lock, open, and nothing of the phase commits, however fast the machine. The first three
            // end with a SIGKILL there (at the id claims, with only the offsets advanced; at the stats upsert of
            // commit, with every poll of the transaction written; after the first stats table) and a restart that
            // starts behind and catches up; the last is posted while the consumer is down.
            int batches = (traffic.originals().size() + BATCH - 1) / BATCH;
            double swapsSeen = 0;
            List<Long> lags = new ArrayList<>();
            for (int phase = 0; phase < 3; phase++) {
                String table = KILL_POINTS.get(phase);
                if (phase == 0) {
                    send(relay, traffic, 0, batches / 4);
                }
                try (Connection lock = DriverManager.getConnection(stack.jdbcUrl(), "root", "");
                        Statement s = lock.createStatement()) {
                    s.execute("LOCK TABLES " + table + " WRITE");
                    if (phase == 0) {
                        apps.startConsumer(); // starting and claiming partitions touch none of the locked tables
                    } else {
                        send(relay, traffic, batches * phase / 4, batches * (phase + 1) / 4);
                    }
                    long lag = awaitProjectionBlockedOnLock(db, kafka, table);
                    lags.add(lag);
                    swapsSeen += swapsCounted(apps.consumerUrl());
                    apps.killConsumer();
                    assertThat(apps.consumer().isAlive()).isFalse();
                    assertThat(lag).as("kill %d (waiting for %s) landed while the consumer was behind", phase + 1,
                            table).isGreaterThan(MAX_POLL_RECORDS);
                }
                if (phase < 2) {
                    apps.startConsumer();
                    awaitFullyConsumed(db); // the next kill finds what came before committed
                }
            }
            send(relay, traffic, batches * 3 / 4, batches + 1);
            apps.startConsumer();
            // A second instance joins the group: partitions move between live consumers, and a consumer that lost a
            // partition must not commit its batch (epoch fencing).
            JavaProcess second = apps.startAnotherConsumer();
            awaitFullyConsumed(db);
            swapsSeen += swapsCounted(apps.consumerUrl());
            assertThat(second.isAlive()).isTrue();
            assertThat(count(db, "SELECT MAX(epoch) FROM consumer_offsets WHERE topic = 'usage-events'"))
                    .as("partitions were claimed again after the kills and the rebalance").isGreaterThanOrEqualTo(4);

            GroundTruth truth = GroundTruth.read(stack.bootstrapServers(), "usage-events");
            assertTheFirstPostedVersionsWereAcceptedFirst(traffic, truth);
            Map<String, String> expected = new HashMap<>();
            truth.firstUsage().forEach((id, u) -> expected.put(id, GroundTruth.row(u)));
            assertThat(expected).hasSize(EVENTS);
            Map<String, String> stored = GroundTruth.storedRows(db);
            assertThat(stored.keySet()).isEqualTo(expected.keySet());
            assertThat(stored.entrySet().stream().filter(e -> !e.getValue().equals(expected.get(e.getKey())))
                    .map(e -> e.getKey() + ": stored " + e.getValue() + ", first accepted " + expected.get(e.getKey()))
                    .limit(20).toList()).as("requests stored in another version than the first accepted").isEmpty();
            Map<String, String> expectedAdjustments = new HashMap<>();
            truth.firstAdjustments().forEach((id, a) -> expectedAdjustments.put(id, GroundTruth.row(a)));
            assertThat(GroundTruth.storedAdjustments(db)).hasSize(ADJUSTMENTS).isEqualTo(expectedAdjustments);

            Map<String, String> cells = truth.expectedCells();
            Map<String, String> storedCells = GroundTruth.storedCells(db);
            assertThat(storedCells.keySet()).as("the stats cells").isEqualTo(cells.keySet());
            assertThat(storedCells.entrySet().stream().filter(e -> !e.getValue().equals(cells.get(e.getKey())))
                    .map(e -> e.getKey() + ": stored " + e.getValue() + ", expected " + cells.get(e.getKey()))
                    .limit(20).toList()).as("stats cells that differ from the first accepted versions' sums")
                    .isEmpty();
            assertThat(LedgerInvariants.mismatches(db, java.time.ZoneOffset.UTC)).isEmpty();

            assertThat(conflictIds(db)).as("one conflict per id whose versions differ, none for identical resends")
                    .containsExactlyInAnyOrderElementsOf(truth.idsWithDifferingVersions());
            long swapped = count(db, "SELECT COUNT(*) FROM ledger_conflicts WHERE swapped");
            assertThat(swapped).as("versions read later but accepted first replaced the counted one").isPositive();
            assertThat(swapsSeen).as("ledger_version_swaps_total of the consumers, scraped before each kill and at "
                    + "the end").isPositive().isLessThanOrEqualTo(swapped);
            System.out.printf("ExactlyOnceIT: %d requests, %d conflicts (%d swapped), %.0f swaps counted by the "
                    + "consumers scraped, kills at lags %s%n", EVENTS, conflictIds(db).size(), swapped, swapsSeen, lags);
            assertThat(count(db, "SELECT COUNT(DISTINCT api_key_id) FROM usage_records")).isGreaterThanOrEqualTo(50);
            assertThat(count(db, "SELECT COUNT(DISTINCT bucket_start) FROM usage_stats WHERE granularity = 'day'"))
                    .isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * relay-api stamps {@code receivedAt} in milliseconds from a clock that never goes back, and each resend was posted
     * after its original's 202: the first accepted version is the original, but where both share a millisecond.
     */
    private static void assertTheFirstPostedVersionsWereAcceptedFirst(Traffic traffic, GroundTruth truth) {
        Map<String, UsageRecorded> first = truth.firstUsage();
        for (UsageRecorded o : traffic.originals()) {
            List<UsageRecorded> versions = truth.usage.get(o.requestId());
            UsageRecorded published = versions.stream()
                    .filter(v -> CallerFields.of(v).differingFields(CallerFields.of(o)).isEmpty()).findFirst()
                    .orElseThrow();
            UsageRecorded winner = first.get(o.requestId());
            assertThat(winner.receivedAt()).as(o.requestId()).isEqualTo(published.receivedAt());
        }
    }

    /**
     * Posts the batches {@code from} (inclusive) to {@code to} (exclusive) of the traffic, each with the resends due
     * after it and an adjustment; batch index {@code batches} holds what is due after the last one.
     */
    private static void send(RelayClient relay, Traffic traffic, int from, int to) {
        try {
            List<UsageRecorded> originals = traffic.originals();
            for (int b = from; b < to; b++) {
                ArrayNode array = relay.mapper().createArrayNode();
                if (b * BATCH < originals.size()) {
                    originals.subList(b * BATCH, Math.min(originals.size(), (b + 1) * BATCH))
                            .forEach(e -> array.add(IngestJson.of(e)));
                }
                // Resends of originals accepted in earlier batches (each batch answered 202 before the next).
                traffic.resendsAfterBatch().getOrDefault(b, List.of()).forEach(e -> array.add(IngestJson.of(e)));
                if (!array.isEmpty()) {
                    relay.postUsage(array, LedgerApps.RELAY_TOKEN);
                }
                boolean last = b * BATCH >= originals.size();
                for (int i = b; i < (last ? traffic.adjustments().size() : Math.min(b + 1,
                        traffic.adjustments().size())); i++) {
                    relay.postAdjustment(IngestJson.of(traffic.adjustments().get(i)), LedgerApps.ADMIN_TOKEN);
                }
                for (int due = b; due <= (last ? b + ADJUSTMENTS : b); due++) {
                    for (CostAdjusted a : traffic.adjustmentResendsAfter().getOrDefault(due, List.of())) {
                        relay.postAdjustment(IngestJson.of(a), LedgerApps.ADMIN_TOKEN);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static UsageRecorded copy(UsageRecorded u, String apiKeyId, TokenUsage usage) {
        return new UsageRecorded(u.schemaVersion(), u.requestId(), u.occurredAt(), apiKeyId, u.accountId(),
                u.accountType(), u.model(), u.reportedModel(), usage, u.serviceTier(), u.longContext(), u.endpoint(),
                u.statusCode(), u.stream(), u.durationMs(), u.relayId(), u.receivedAt(), u.cost());
    }

    private static String otherKey(String apiKeyId, SplittableRandom random) {
        int key = Integer.parseInt(apiKeyId.substring(4));
        return UsageTraffic.keyId((key + 1 + random.nextInt(59)) % 60);
    }

    /**
     * Waits until the consumer's session waits for the test's table lock — inside a projection transaction, which
     * advanced its stored offsets first — and returns the consumer's lag then (records on the topic its projection has
     * not committed; nothing commits while it waits).
     */
    private static long awaitProjectionBlockedOnLock(Connection db, KafkaConsumer<byte[], byte[]> kafka, String table)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String blocked = "SELECT COUNT(*) FROM information_schema.processlist WHERE id <> CONNECTION_ID()"
                + " AND command = 'Query' AND state LIKE 'Waiting for table%lock'";
        while (count(db, blocked) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the consumer never waited for the lock on " + table + " (lag "
                        + lag(db, kafka) + "); sessions: " + rows(db, "SELECT id, command, state, LEFT(info, 80)"
                        + " FROM information_schema.processlist"));
            }
            Thread.sleep(5);
        }
        return lag(db, kafka);
    }

    private static List<String> rows(Connection db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static KafkaConsumer<byte[], byte[]> endOffsetReader() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(p);
        reader.assign(reader.partitionsFor("usage-events").stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList());
        return reader;
    }

    /** Records on the topic (up to the last stable offset) that the projection has not committed. */
    private static long lag(Connection db, KafkaConsumer<byte[], byte[]> kafka) throws SQLException {
        List<TopicPartition> partitions = kafka.partitionsFor("usage-events").stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
        Map<Integer, Long> stored = storedOffsets(db);
        return end.entrySet().stream()
                .mapToLong(e -> e.getValue() - Math.max(0, stored.getOrDefault(e.getKey().partition(), 0L))).sum();
    }

    private static Map<Integer, Long> storedOffsets(Connection db) throws SQLException {
        Map<Integer, Long> stored = new HashMap<>();
        if (count(db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                + "AND table_name = 'consumer_offsets'") == 0) {
            return stored; // the consumer has not migrated the database yet
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT partition_id, next_offset FROM consumer_offsets WHERE topic = 'usage-events' "
                        + "AND consumer_group = 'usage-consumer'")) {
            while (rs.next()) {
                stored.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return stored;
    }

    /** Waits until the stored offset of every partition is past the last record on the topic. */
    private static void awaitFullyConsumed(Connection db) throws Exception {
        Map<Integer, Long> lastRecord = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> reader = endOffsetReader()) {
            List<TopicPartition> partitions = List.copyOf(reader.assignment());
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
                for (var r : reader.poll(Duration.ofMillis(200))) {
                    lastRecord.merge(r.partition(), r.offset(), Math::max);
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            Map<Integer, Long> stored = storedOffsets(db);
            if (lastRecord.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), -1L) > e.getValue())) {
                return;
            }
            assertThat(System.nanoTime()).as("consumed up to " + lastRecord + ", stored " + stored).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The sum of {@code ledger_version_swaps_total} a consumer exposes (what it committed since it started). */
    private double swapsCounted(String consumerUrl) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(consumerUrl + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().filter(l -> l.startsWith("ledger_version_swaps_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<String> conflictIds(Connection db) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id FROM ledger_conflicts")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
