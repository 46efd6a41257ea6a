package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.stack.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ledger rebuild} beside a live usage-consumer (in this JVM) that keeps projecting events into the range being
 * rebuilt, with a reader polling the range's totals throughout. The zone's days start on a half hour (Asia/Kolkata).
 */
class RebuildCommandIT {

    private static final String ZONE = "Asia/Kolkata";
    private static final String FROM = "2026-10-01";
    private static final String TO = "2026-11-01";
    private static final Instant MONTH_START = LocalDate.parse(FROM).atStartOfDay(ZoneId.of(ZONE)).toInstant();
    private static final long MONTH_SECONDS = 31L * 86_400;
    private static LiveConsumer consumer;
    private static final AtomicInteger ids = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        consumer = new LiveConsumer("cli-rebuild", ZONE);
        consumer.publish(events(new Random(1), 3000));
        consumer.awaitProjected();
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    /** Usage events and a few adjustments at random instants of the month, some just outside it. */
    private static List<LedgerEvent> events(Random random, int n) {
        List<LedgerEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = ids.incrementAndGet();
            Instant at = MONTH_START.plusMillis((long) (random.nextDouble() * (MONTH_SECONDS + 7200) * 1000) - 3_600_000);
            String key = "key_" + random.nextInt(4);
            if (id % 25 == 0) {
                out.add(Events.adjustment("rebuild_adj_" + id).at(at).key(key)
                        .account(random.nextBoolean() ? "acc_" + random.nextInt(2) : null).amounts("-0.25", "-0.3")
                        .build());
            } else {
                Events.UsageBuilder usage = Events.usage("rebuild_req_" + id).at(at).key(key)
                        .account(random.nextInt(3) == 0 ? null : "acc_" + random.nextInt(2))
                        .model(random.nextBoolean() ? "model-a" : "model-b")
                        .tokens(1 + random.nextInt(5000), random.nextInt(800))
                        .cost("0.000" + (1 + random.nextInt(9)), "0.00" + (1 + random.nextInt(9)));
                if (id % 9 == 0) {
                    usage.cost("0", "0").source(PricingSource.UNPRICED);
                }
                out.add(usage.build());
            }
        }
        return out;
    }

    private static Cli cli(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--from", FROM, "--to", TO));
        args.addAll(consumer.databaseOptions());
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void rebuildsCorruptedCellsWhileEventsKeepArrivingAndNoReaderSeesAHalfBuiltBucket() throws Exception {
        assertThat(cli("verify").code()).isEqualTo(ExitCodes.OK);
        List<String> corrupted = corrupt();

        Cli before = cli("verify");
        assertThat(before.code()).as(before.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(before.cells()).containsExactlyInAnyOrderElementsOf(corrupted);

        Cli dryRun = cli("rebuild", "--dry-run");
        assertThat(dryRun.code()).as(dryRun.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(dryRun.cells()).containsExactlyInAnyOrderElementsOf(corrupted);
        assertThat(cli("verify").cells()).as("a dry run writes nothing").containsExactlyInAnyOrderElementsOf(corrupted);

        AtomicBoolean running = new AtomicBoolean(true);
        List<String> readerFailures = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        Thread producer = new Thread(() -> {
            Random random = new Random(2);
            while (running.get()) {
                consumer.publish(events(random, 40));
            }
        }, "live-producer");
        Thread reader = new Thread(() -> poll(running, readerFailures, reads), "reader");
        producer.start();
        reader.start();
        Cli rebuild;
        try {
            Thread.sleep(500);
            rebuild = cli("rebuild");
            Thread.sleep(500);
        } finally {
            running.set(false);
            producer.join();
            reader.join();
        }
        consumer.awaitProjected();

        assertThat(rebuild.code()).as(rebuild.toString()).isEqualTo(ExitCodes.OK);
        assertThat(rebuild.cells()).as(rebuild.toString()).containsExactlyInAnyOrderElementsOf(corrupted);
        // 31 Kolkata days, the 30 UTC hours that straddle two of them, the month.
        assertThat(rebuild.err()).contains("rebuild: done, 62 spans").contains("rows/s");
        assertThat(readerFailures).isEmpty();
        assertThat(reads.get()).isGreaterThan(10);
        try (Connection c = consumer.connect()) {
            assertThat(LiveConsumer.single(c, "SELECT COUNT(*) FROM usage_records")
                    + LiveConsumer.single(c, "SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(ids.get());
        }
        Cli after = cli("verify");
        assertThat(after.code()).as(after.toString()).isEqualTo(ExitCodes.OK);
        LedgerInvariants.assertHold(dataSource(), ZoneId.of(ZONE));
    }

    /**
     * Corrupts cells of the range by hand, each only downwards in requests (so the reader's totals never drop when
     * they are repaired), and returns them as the cell report names them.
     */
    private static List<String> corrupt() throws Exception {
        List<String> cells = new ArrayList<>();
        try (Connection c = consumer.connect(); Statement s = c.createStatement()) {
            String hour = first(c, "SELECT DATE_FORMAT(bucket_start, '%Y-%m-%dT%H:%i:%sZ'), api_key_id, model "
                    + "FROM usage_stats WHERE granularity = 'hour' AND requests >= 3 AND bucket_start >= "
                    + "'2026-10-10 00:00:00' ORDER BY bucket_start LIMIT 1");
            String[] h = hour.split("\t");
            s.executeUpdate("UPDATE usage_stats SET requests = requests - 2, input_tokens = input_tokens + 5 "
                    + "WHERE granularity = 'hour' AND bucket_start = '" + h[0].replace('T', ' ').replace("Z", "")
                    + "' AND api_key_id = '" + h[1] + "' AND model = '" + h[2] + "'");
            cells.add("usage_stats\thour\t" + hour);
            s.executeUpdate("DELETE FROM cost_stats WHERE granularity = 'day' AND bucket_start = '2026-10-14 18:30:00' "
                    + "AND api_key_id = 'key_1' AND model = 'model-a'");
            cells.add("cost_stats\tday\t2026-10-14T18:30:00Z\tkey_1\tmodel-a");
            s.executeUpdate("UPDATE account_usage_stats SET output_tokens = output_tokens - 100 WHERE granularity = "
                    + "'month' AND bucket_start = '2026-09-30 18:30:00' AND account_id = 'acc_0' AND model = 'model-b'");
            cells.add("account_usage_stats\tmonth\t2026-09-30T18:30:00Z\tacc_0\tmodel-b");
            s.executeUpdate("INSERT INTO cost_stats (granularity, bucket_start, api_key_id, model, real_cost_usd, "
                    + "rated_cost_usd) VALUES ('hour', '2026-10-20 03:00:00', 'key_ghost', 'model-a', 1, 2)");
            cells.add("cost_stats\thour\t2026-10-20T03:00:00Z\tkey_ghost\tmodel-a");
            // The rollups: a key's day one request short, a model's hour without its unpriced requests.
            s.executeUpdate("UPDATE key_stats SET requests = requests - 1 WHERE granularity = 'day' "
                    + "AND bucket_start = '2026-10-14 18:30:00' AND api_key_id = 'key_2'");
            cells.add("key_stats\tday\t2026-10-14T18:30:00Z\tkey_2\t");
            String unpriced = first(c, "SELECT DATE_FORMAT(bucket_start, '%Y-%m-%dT%H:%i:%sZ'), model, '' "
                    + "FROM model_stats WHERE granularity = 'hour' AND unpriced_requests > 0 "
                    + "AND bucket_start >= '2026-10-05 00:00:00' ORDER BY bucket_start LIMIT 1");
            String[] u = unpriced.split("\t");
            s.executeUpdate("UPDATE model_stats SET unpriced_requests = 0 WHERE granularity = 'hour' "
                    + "AND bucket_start = '" + u[0].replace('T', ' ').replace("Z", "") + "' AND model = '" + u[1]
                    + "'");
            cells.add("model_stats\thour\t" + unpriced);
        }
        return cells;
    }

    /**
     * Polls the range's total requests at each granularity and its count of day rows until stopped: none may ever
     * drop (the live projection only adds, and the corrupted cells only go up when repaired), so a reader that saw a
     * bucket missing or half built fails here.
     */
    private static void poll(AtomicBoolean running, List<String> failures, AtomicInteger reads) {
        long[] last = new long[6];
        String range = " AND bucket_start >= '2026-09-30 18:30:00' AND bucket_start < '2026-10-31 18:30:00'";
        try (Connection c = DriverManager.getConnection(consumer.jdbcUrl, EmbeddedMariaDb.USER,
                EmbeddedMariaDb.PASSWORD)) {
            while (running.get()) {
                long[] now = {
                    LiveConsumer.single(c, "SELECT COALESCE(SUM(requests), 0) FROM usage_stats WHERE granularity = "
                            + "'hour'" + range),
                    LiveConsumer.single(c, "SELECT COALESCE(SUM(requests), 0) FROM usage_stats WHERE granularity = "
                            + "'day'" + range),
                    LiveConsumer.single(c, "SELECT COALESCE(SUM(requests), 0) FROM usage_stats WHERE granularity = "
                            + "'month'" + range),
                    LiveConsumer.single(c, "SELECT COUNT(*) FROM cost_stats WHERE granularity = 'day'" + range),
                    LiveConsumer.single(c, "SELECT COALESCE(SUM(requests), 0) FROM key_stats WHERE granularity = "
                            + "'day'" + range),
                    LiveConsumer.single(c, "SELECT COALESCE(SUM(unpriced_requests), 0) FROM model_stats WHERE "
                            + "granularity = 'hour'" + range)};
                for (int i = 0; i < now.length; i++) {
                    if (now[i] < last[i]) {
                        failures.add("measure " + i + " dropped from " + last[i] + " to " + now[i]);
                    }
                }
                last = now;
                reads.incrementAndGet();
            }
        } catch (Exception e) {
            failures.add("reader failed: " + e);
        }
    }

    private static String first(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1) + "\t" + rs.getString(2) + "\t" + rs.getString(3);
        }
    }

    private static javax.sql.DataSource dataSource() {
        var ds = new com.zaxxer.hikari.HikariDataSource();
        ds.setJdbcUrl(consumer.jdbcUrl);
        ds.setUsername(EmbeddedMariaDb.USER);
        ds.setPassword(EmbeddedMariaDb.PASSWORD);
        ds.setMaximumPoolSize(1);
        return ds;
    }
}
