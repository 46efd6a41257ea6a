package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.Granularity;
import dev.usageledger.projections.retry.RetryClassifier;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real InnoDB deadlocks (1213), and a connection killed mid-transaction, against the projection
 * writer with batched {@code INSERT}s: it must be rolled back, retried, counted in
 * {@code ledger.projection.retries{reason}} under its own reason, and leave exact totals.
 * {@link DeadlockRetryLoadDataIT} runs every test again on the {@code LOAD DATA} path.
 */
class DeadlockRetryIT {

    private static final Logger log = LoggerFactory.getLogger(DeadlockRetryIT.class);
    private static final String GROUP = "deadlock-it";
    private static final String TOPIC = "usage-events";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);
    private static final Buckets UTC = new Buckets(ZoneOffset.UTC);

    static HikariDataSource ds;

    private SimpleMeterRegistry registry;
    private ConsumerOffsets offsets;

    @BeforeAll
    static void database() throws SQLException {
        open(TestDatabase.freshDatabase("deadlock_it"));
    }

    /** Opens {@link #ds} on {@code url} with the scratch tables the heavier transactions fill ({@link #ballast}). */
    static void open(String url) throws SQLException {
        ds = TestDatabase.pool(url, 12);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE scratch (id BIGINT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(100) NOT NULL)"
                    + " ENGINE = InnoDB");
            s.execute("CREATE TABLE scratch_memory (id BIGINT NOT NULL) ENGINE = MEMORY");
        }
    }

    @AfterAll
    static void closePool() {
        if (ds != null) {
            ds.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        TestDatabase.truncateAll(ds);
        registry = new SimpleMeterRegistry();
        offsets = new ConsumerOffsets(ds, CLOCK, new TransactionRetry("offsets", RetrySettings.DEFAULTS, registry));
    }

    /** How the writers under test send their rows. */
    ProjectionSink sink() {
        return new BatchedInsertSink();
    }

    /**
     * A {@code LIKE} pattern matching, in {@code innodb_trx.trx_query}, the writer's {@code usage_stats} upsert of a
     * batch that holds {@code key} (and no other transaction's statement).
     */
    String writerStatsUpsert(String key) {
        return "INSERT INTO usage_stats %'" + key + "'%";
    }

    private ProjectionWriter writer() {
        return new ProjectionWriter(ds, new BatchFold(UTC), new TransactionRetry("writer", RetrySettings.DEFAULTS,
                registry), CLOCK, () -> ThreadLocalRandom.current().nextLong(), registry, sink());
    }

    private double retries(String reason) {
        return retries(registry, reason);
    }

    private static double retries(SimpleMeterRegistry registry, String reason) {
        return registry.get("ledger.projection.retries").tag("reason", reason).counter().count();
    }

    /** Retries counted under any reason but {@code reason}. */
    private static double retriesOtherThan(SimpleMeterRegistry registry, String reason) {
        return registry.get("ledger.projection.retries").counters().stream()
                .filter(c -> !reason.equals(c.getId().getTag("reason"))).mapToDouble(c -> c.count()).sum();
    }

    /** A claimed partition and its advancing offset. */
    private final class Partition {
        final int partition;
        final long epoch;
        final AtomicLong next = new AtomicLong();

        Partition(int partition) {
            this.partition = partition;
            this.epoch = offsets.claim(GROUP, TOPIC, List.of(partition)).get(0).epoch();
        }

        ProjectionBatch batch(List<LedgerEvent> events) {
            return new ProjectionBatch(GROUP, TOPIC, events, Map.of(partition, next.addAndGet(events.size())),
                    Map.of(partition, epoch));
        }
    }

    /** Adds {@code input} tokens (and no request) to one usage_stats row, as another writer would. */
    private static void upsertUsageStats(Connection c, Granularity g, LocalDateTime bucket, String key, long input)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.StatsTable.USAGE.upsert())) {
            ps.setString(1, g.sqlName());
            ps.setObject(2, bucket);
            ps.setString(3, key);
            ps.setString(4, Events.MODEL);
            ps.setLong(5, 0); // requests
            ps.setLong(6, 0); // unpriced_requests
            ps.setLong(7, input);
            for (int i = 8; i <= 12; i++) {
                ps.setLong(i, 0);
            }
            ps.executeUpdate();
        }
    }

    private static long usageStat(String column, Granularity g, LocalDateTime bucket, String key) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + column
                + " FROM usage_stats WHERE granularity = ? AND bucket_start = ? AND api_key_id = ? AND model = ?")) {
            ps.setString(1, g.sqlName());
            ps.setObject(2, bucket);
            ps.setString(3, key);
            ps.setString(4, Events.MODEL);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * Waits until the writer's upsert of this round (its SQL names {@code keyB}) is in LOCK WAIT.
     * InnoDB refreshes its information_schema cache only when it was last read over 100 ms ago, so
     * every poll waits that long first (a faster poll reads the same stale snapshot forever).
     */
    private void awaitLockWait(Connection monitor, Future<?> writer, String keyB) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        try (PreparedStatement ps = monitor.prepareStatement("SELECT COUNT(*) FROM information_schema.innodb_trx "
                + "WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE ?")) {
            ps.setString(1, writerStatsUpsert(keyB));
            while (System.nanoTime() < deadline) {
                Thread.sleep(150);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                if (writer.isDone()) {
                    writer.get();
                    fail("the writer finished without waiting for T1's lock");
                }
            }
        }
        StringBuilder state = new StringBuilder();
        try (Statement s = monitor.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT trx_id, trx_state, trx_mysql_thread_id, trx_query, trx_rows_locked, trx_rows_modified "
                        + "FROM information_schema.innodb_trx")) {
            while (rs.next()) {
                state.append("\n  trx ").append(rs.getString(1)).append(' ').append(rs.getString(2)).append(" thread ")
                        .append(rs.getString(3)).append(" locked ").append(rs.getString(5)).append(" modified ")
                        .append(rs.getString(6)).append(": ").append(rs.getString(4));
            }
        }
        try (Statement s = monitor.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, command, state, info FROM information_schema.processlist")) {
            while (rs.next()) {
                state.append("\n  thread ").append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ')
                        .append(rs.getString(3)).append(": ").append(rs.getString(4));
            }
        }
        fail("the writer never waited for T1's lock; transactions and threads:" + state);
    }

    @Test
    void aWriterWhoseConnectionIsKilledMidTransactionIsRetriedOnANewConnection() throws Exception {
        ProjectionWriter writer = writer();
        Partition partition = new Partition(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        String keyA = "lost_a";
        String keyB = "lost_b";
        Instant at = Events.T0.plusSeconds(9 * 86_400L);
        LocalDateTime dayA = UTC.start(Granularity.DAY, at);
        LocalDateTime monthB = UTC.start(Granularity.MONTH, at);
        writer.write(partition.batch(List.of(
                Events.usage("lost_seed_a").key(keyA).at(at).tokens(1, 0).build(),
                Events.usage("lost_seed_b").key(keyB).at(at).tokens(1, 0).build())));
        try (Connection monitor = ds.getConnection(); Connection t1 = ds.getConnection()) {
            t1.setAutoCommit(false);
            upsertUsageStats(t1, Granularity.MONTH, monthB, keyB, 1_000);
            Future<WriteResult> write = pool.submit(() -> writer.write(partition.batch(List.of(
                    Events.usage("lost_w_a").key(keyA).at(at).tokens(10, 0).build(),
                    Events.usage("lost_w_b").key(keyB).at(at).tokens(20, 0).build()))));
            awaitLockWait(monitor, write, keyB);
            // The writer's connection dies mid-transaction, as when MySQL restarts or a proxy drops it.
            try (PreparedStatement find = monitor.prepareStatement("SELECT trx_mysql_thread_id FROM "
                    + "information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE ?")) {
                find.setString(1, writerStatsUpsert(keyB));
                try (ResultSet rs = find.executeQuery(); Statement kill = monitor.createStatement()) {
                    assertThat(rs.next()).isTrue();
                    kill.execute("KILL CONNECTION " + rs.getLong(1));
                }
            }
            t1.commit();
            WriteResult result = write.get(30, TimeUnit.SECONDS);
            assertThat(result.newUsage()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(retries("connection")).isGreaterThan(0);
        assertThat(usageStat("input_tokens", Granularity.MONTH, monthB, keyB)).isEqualTo(1 + 1_000 + 20);
        assertThat(usageStat("input_tokens", Granularity.DAY, dayA, keyA)).isEqualTo(1 + 10);
        assertThat(usageStat("requests", Granularity.DAY, dayA, keyA)).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM usage_records WHERE request_id LIKE 'lost\\_%'")).isEqualTo(4);
    }

    @Test
    void aWriterChosenAsDeadlockVictimIsRetriedAndCountsExactly() throws Exception {
        ProjectionWriter writer = writer();
        Partition partition = new Partition(0);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection monitor = ds.getConnection()) {
            for (int r = 1; r <= 3; r++) {
                int round = r;
                String keyA = "dl_a_" + round;
                String keyB = "dl_b_" + round;
                Instant at = Events.T0.plusSeconds(round * 86_400L);
                // row A is the first usage_stats row of the batch in primary-key order, row B the last
                LocalDateTime dayA = UTC.start(Granularity.DAY, at);
                LocalDateTime monthB = UTC.start(Granularity.MONTH, at);
                writer.write(partition.batch(List.of(
                        Events.usage("seed_a_" + round).key(keyA).at(at).tokens(1, 0).build(),
                        Events.usage("seed_b_" + round).key(keyB).at(at).tokens(1, 0).build())));
                double deadlocksBefore = retries("deadlock");

                try (Connection t1 = ds.getConnection()) {
                    t1.setAutoCommit(false);
                    // T1 is the heavier transaction: InnoDB rolls back the lighter one, the writer
                    ballast(t1, 2_000);
                    upsertUsageStats(t1, Granularity.MONTH, monthB, keyB, 1_000);

                    Future<WriteResult> write = pool.submit(() -> writer.write(partition.batch(List.of(
                            Events.usage("w_a_" + round).key(keyA).at(at).tokens(10, 0).build(),
                            Events.usage("w_b_" + round).key(keyB).at(at).tokens(20, 0).build()))));
                    awaitLockWait(monitor, write, keyB);

                    try {
                        upsertUsageStats(t1, Granularity.DAY, dayA, keyA, 1_000);
                    } catch (SQLException e) {
                        fail("InnoDB chose T1, not the writer, as the deadlock victim in round " + round, e);
                    }
                    t1.commit();

                    WriteResult result = write.get(30, TimeUnit.SECONDS);
                    assertThat(result.newUsage()).isEqualTo(2);
                }

                // the writer was the victim once, T1 then held both rows: its retry only waited
                assertThat(retries("deadlock")).as("deadlock retries after round %d", round)
                        .isEqualTo(deadlocksBefore + 1);
                assertThat(usageStat("input_tokens", Granularity.DAY, dayA, keyA)).isEqualTo(1 + 1_000 + 10);
                assertThat(usageStat("input_tokens", Granularity.MONTH, monthB, keyB)).isEqualTo(1 + 1_000 + 20);
                assertThat(usageStat("requests", Granularity.DAY, dayA, keyA)).isEqualTo(2);
                assertThat(usageStat("requests", Granularity.MONTH, monthB, keyB)).isEqualTo(2);
                assertThat(usageStat("input_tokens", Granularity.HOUR, UTC.start(Granularity.HOUR, at), keyA))
                        .isEqualTo(1 + 10);
                assertThat(usageStat("input_tokens", Granularity.MONTH, UTC.start(Granularity.MONTH, at), keyA))
                        .isEqualTo(1 + 10);
                assertThat(count("SELECT COUNT(*) FROM usage_records WHERE request_id LIKE 'w\\_%\\_" + round + "'"))
                        .isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        // T1's increments are outside the ledger, so only the cost and account tables still match it
        assertThat(count("SELECT COUNT(*) FROM usage_records")).isEqualTo(12);
        assertThat(count("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(12);
        assertThat(retries("deadlock")).isEqualTo(3);
        assertThat(retriesOtherThan(registry, "deadlock")).as("retries for other reasons").isZero();
        log.info("deadlock rounds: {} deadlock retries", retries("deadlock"));
    }

    @Test
    void underHighContentionEveryIncrementLandsExactlyOnce() throws Exception {
        List<String> keys = List.of("hc_0", "hc_1", "hc_2", "hc_3");
        Instant at = Events.T0;
        List<Object[]> rows = new ArrayList<>();
        for (Granularity g : Granularity.values()) {
            for (String key : keys) {
                rows.add(new Object[] {g, UTC.start(g, at), key});
            }
        }
        Map<String, LongAdder> rawIncrements = new ConcurrentHashMap<>();
        Map<String, LongAdder> writerEvents = new ConcurrentHashMap<>();
        SimpleMeterRegistry rawRegistry = new SimpleMeterRegistry();
        TransactionRetry rawRetry = new TransactionRetry("raw", RetrySettings.DEFAULTS, rawRegistry);
        Partition[] partitions = {new Partition(1), new Partition(2)};
        CyclicBarrier start = new CyclicBarrier(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 150; i++) {
                        List<Object[]> touched = new ArrayList<>(rows);
                        Collections.shuffle(touched, random);
                        List<Object[]> chosen = touched.subList(0, 3 + random.nextInt(4));
                        // every other transaction is heavier than a writer's, so InnoDB picks either side as victim
                        int ballast = i % 2 == 0 ? 200 : 0;
                        rawRetry.call(() -> rawTransaction(chosen, ballast));
                        chosen.forEach(r -> rawIncrements.computeIfAbsent(rowName(r), k -> new LongAdder()).increment());
                    }
                    return null;
                }));
            }
            for (Partition partition : partitions) {
                ProjectionWriter writer = writer();
                futures.add(pool.submit(() -> {
                    Random random = new Random(100 + partition.partition);
                    start.await(10, TimeUnit.SECONDS);
                    for (int b = 0; b < 80; b++) {
                        List<LedgerEvent> batch = new ArrayList<>();
                        List<String> batchKeys = new ArrayList<>();
                        for (int i = 0; i < 3; i++) {
                            String key = keys.get(random.nextInt(keys.size()));
                            batch.add(Events.usage("hc_" + partition.partition + "_" + b + "_" + i).key(key).at(at)
                                    .tokens(10, 0).build());
                            batchKeys.add(key);
                        }
                        assertThat(writer.write(partition.batch(batch)).newUsage()).isEqualTo(3);
                        batchKeys.forEach(k -> writerEvents.computeIfAbsent(k, x -> new LongAdder()).increment());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (Object[] row : rows) {
            Granularity g = (Granularity) row[0];
            LocalDateTime bucket = (LocalDateTime) row[1];
            String key = (String) row[2];
            long raw = rawIncrements.getOrDefault(rowName(row), new LongAdder()).sum();
            long events = writerEvents.getOrDefault(key, new LongAdder()).sum();
            assertThat(usageStat("input_tokens", g, bucket, key)).as(rowName(row)).isEqualTo(raw + 10 * events);
            assertThat(usageStat("requests", g, bucket, key)).as(rowName(row)).isEqualTo(events);
        }
        assertThat(count("SELECT COUNT(*) FROM usage_records")).isEqualTo(2 * 80 * 3);
        log.info("high contention: writer deadlock retries {} (other {}), raw SQL deadlock retries {} (other {})",
                retries("deadlock"), retriesOtherThan(registry, "deadlock"), retries(rawRegistry, "deadlock"),
                retriesOtherThan(rawRegistry, "deadlock"));
        assertThat(registry.find("ledger.projection.retries.exhausted").counter().count()).isZero();
        assertThat(rawRegistry.find("ledger.projection.retries.exhausted").counter().count()).isZero();
        // the point of the exercise: the writers were deadlock victims (so were raw transactions) and still exact
        assertThat(retries("deadlock")).as("writer deadlock retries").isPositive();
        assertThat(retriesOtherThan(registry, "deadlock")).as("writer retries for other reasons").isZero();
    }

    private static String rowName(Object[] row) {
        return ((Granularity) row[0]).sqlName() + "/" + row[1] + "/" + row[2];
    }

    /**
     * Makes the transaction on {@code c} heavier than a writer's: {@code rows} InnoDB rows, and one row in a
     * non-transactional table. InnoDB on MariaDB counts a transaction that edited a non-transactional table as
     * heavier than any that did not, whatever their sizes, and the {@code LOAD DATA} writer edits its {@code MEMORY}
     * staging table: with both having done so, the row counts decide the deadlock victim.
     */
    private static void ballast(Connection c, int rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (pad) VALUES (?)");
                Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "ballast " + i);
                ps.addBatch();
            }
            ps.executeBatch();
            s.executeUpdate("INSERT INTO scratch_memory (id) VALUES (" + rows + ")");
        }
    }

    /** One transaction of single-row upserts in the given (random) order. */
    private static Void rawTransaction(List<Object[]> chosen, int ballastRows) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (ballastRows > 0) {
                    ballast(c, ballastRows);
                }
                for (Object[] r : chosen) {
                    upsertUsageStats(c, (Granularity) r[0], (LocalDateTime) r[1], (String) r[2], 1);
                }
                c.commit();
                return null;
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new ProjectionException("raw upserts failed (" + RetryClassifier.classify(e) + ")", e);
        }
    }
}
