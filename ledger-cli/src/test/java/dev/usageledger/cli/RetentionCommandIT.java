package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.mysql.WriteResult;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.stack.EmbeddedMariaDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ledger retention} against a real MariaDB migrated through V8: a ledger of June to early December 2026
 * projected by the projection's own writer (so every row first sits in the catch-all partition), then retention at
 * {@code 2026-12-03T12:00Z}. The tests run in order on one database: a dry run, a refusal, the months, then the hours and
 * claims, then verify and rebuild around what was removed. A second database holds the resend after its month's drop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionCommandIT {

    private static final String NOW = "2026-12-03T12:00:00Z";
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");
    private static final int REQUESTS_PER_MONTH = 40;
    private static TestDatabase database;

    @BeforeAll
    static void ledger() {
        database = TestStack.migratedDatabase("cli_retention");
        List<LedgerEvent> events = new ArrayList<>();
        for (int month = 0; month < 7; month++) {
            Instant start = JUNE.atOffset(ZoneOffset.UTC).plusMonths(month).toInstant();
            for (int i = 0; i < REQUESTS_PER_MONTH; i++) {
                // Every 13 hours from the 1st, for 21 days (until the 3rd 04:00 in December).
                Instant at = start.plus(Duration.ofHours(13L * i));
                if (month == 6 && !at.isBefore(Instant.parse("2026-12-03T05:00:00Z"))) {
                    break;
                }
                events.add(Events.usage("ret_req_" + month + "_" + i).at(at).key("key_" + (i % 3))
                        .account(i % 4 == 0 ? null : "acc_" + (i % 2)).model(i % 5 == 0 ? "model-b" : "model-a")
                        .tokens(100 + i, 10 + i).cost("0.00" + (i % 7 + 1), "0.0" + (i % 9 + 1)).build());
            }
            events.add(Events.adjustment("ret_adj_" + month).at(start.plus(Duration.ofDays(1))).key("key_1")
                    .account("acc_1").amounts("-0.5", "-0.75").build());
        }
        ProjectionWriter writer = writer(database);
        for (int i = 0; i < events.size(); i += 50) {
            writer.write(new ProjectionBatch("retention-it", "retention-events",
                    events.subList(i, Math.min(events.size(), i + 50)), Map.of(), Map.of()));
        }
    }

    private static ProjectionWriter writer(TestDatabase db) {
        var registry = new SimpleMeterRegistry();
        return new ProjectionWriter(db.dataSource(), new BatchFold(new Buckets(ZoneOffset.UTC)),
                new TransactionRetry("retention-it", RetrySettings.DEFAULTS, registry), Clock.systemUTC(),
                new AtomicLong(1)::incrementAndGet, registry);
    }

    private static Cli cli(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--db-user", EmbeddedMariaDb.USER, "--db-password",
                EmbeddedMariaDb.PASSWORD));
        return Cli.run(all.toArray(String[]::new));
    }

    /** Month partitions only: the hours and claims are kept far longer than this ledger is old. */
    private static Cli dropMonths(String... extra) {
        List<String> args = new ArrayList<>(List.of("retention", "--now", NOW, "--ledger-retention", "120d",
                "--hourly-retention", "400d", "--claims-retention", "400d", "--months-ahead", "3"));
        args.addAll(List.of(extra));
        return cli(database, args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aDryRunPrintsWhatWouldGoAndChangesNothing() throws SQLException {
        String before = state(database);

        Cli dry = dropMonths("--dry-run");

        assertThat(dry.code()).as(dry.toString()).isEqualTo(ExitCodes.OK);
        int june = REQUESTS_PER_MONTH;
        assertThat(dry.rows()).contains(
                "create\tusage_records\tp202606..p202703\t" + count("SELECT COUNT(*) FROM usage_records"),
                "create\tcost_adjustments\tp202606..p202703\t7",
                "drop\tusage_records\tp202606\t" + june,
                "drop\tusage_records\tp202607\t" + june,
                "drop\tcost_adjustments\tp202606\t1",
                "delete\tusage_stats\thour rows before 2025-10-29T12:00:00Z\t0",
                "delete\tledger_event_ids\tclaims before 2025-10-29T12:00:00Z\t0");
        assertThat(dry.err()).contains("retention --dry-run: done in ").contains("nothing changed");
        assertThat(state(database)).isEqualTo(before);
    }

    @Test
    @Order(2)
    void aRetentionShorterThanTheSwapHorizonIsRefusedAtStart() throws SQLException {
        String before = state(database);

        Cli hourly = cli(database, "retention", "--now", NOW, "--hourly-retention", "3d");
        Cli ledger = cli(database, "retention", "--now", NOW, "--ledger-retention", "6d", "--swap-horizon", "7d");
        Cli claims = cli(database, "retention", "--now", NOW, "--claims-retention", "20d");

        assertThat(hourly.code()).as(hourly.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(hourly.err()).contains("ledger.retention.hourly (PT72H) must be at least "
                + "ledger.projection.swap-horizon (PT168H)");
        assertThat(ledger.code()).as(ledger.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(ledger.err()).contains("ledger.retention.ledger");
        assertThat(claims.code()).as(claims.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(claims.err()).contains("ledger.retention.claims").contains("ledger.ingest.max-event-age");
        assertThat(state(database)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void dropsTheExpiredMonthsWholeAndKeepsTheRestIntact() throws SQLException {
        long kept = count("SELECT COUNT(*) FROM usage_records WHERE occurred_at >= '2026-08-01'");
        String keptChecksum = checksum("SELECT request_id, occurred_at, input_tokens, rated_cost_usd FROM usage_records "
                + "WHERE occurred_at >= '2026-08-01'");
        long juneDayRows = count("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'day' AND bucket_start < "
                + "'2026-08-01'");

        Cli run = dropMonths();

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).contains("rows of p_future are copied into their months");
        assertThat(partitions("usage_records")).containsExactly("p202608", "p202609", "p202610", "p202611", "p202612",
                "p202701", "p202702", "p202703", "p_future");
        assertThat(partitions("cost_adjustments")).isEqualTo(partitions("usage_records"));
        assertThat(count("SELECT COUNT(*) FROM usage_records WHERE occurred_at < '2026-08-01'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM cost_adjustments WHERE occurred_at < '2026-08-01'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM usage_records")).isEqualTo(kept);
        assertThat(checksum("SELECT request_id, occurred_at, input_tokens, rated_cost_usd FROM usage_records "
                + "WHERE occurred_at >= '2026-08-01'")).isEqualTo(keptChecksum);
        // The stats of the dropped months stay: only the ledger under them is gone.
        assertThat(count("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'day' AND bucket_start < '2026-08-01'"))
                .isEqualTo(juneDayRows).isPositive();
        assertThat(LedgerInvariants.inRange(database.dataSource(), ZoneOffset.UTC, Instant.parse("2026-08-01T00:00:00Z"),
                Instant.parse("2026-12-03T00:00:00Z"))).isEmpty();
        assertThat(horizon("ledger")).isEqualTo("2026-08-01 00:00:00");

        Cli again = dropMonths();
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.OK);
        assertThat(again.rows()).noneMatch(r -> r.startsWith("create") || r.startsWith("drop"));
    }

    @Test
    @Order(4)
    void removesHourRowsAndClaimsPastTheirRetentionInBatchesAndKeepsDaysAndMonths() throws SQLException {
        String cutoff = "2026-10-24 12:00:00";
        long laterHours = count("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'hour' AND bucket_start >= '"
                + cutoff + "'");
        long daysAndMonths = count("SELECT COUNT(*) FROM usage_stats WHERE granularity <> 'hour'")
                + count("SELECT COUNT(*) FROM model_stats WHERE granularity <> 'hour'");
        long oldClaims = count("SELECT COUNT(*) FROM ledger_event_ids WHERE occurred_at < '2026-11-02 12:00:00'");
        long claims = count("SELECT COUNT(*) FROM ledger_event_ids");

        Cli run = cli(database, "retention", "--now", NOW, "--ledger-retention", "120d", "--hourly-retention", "40d",
                "--claims-retention", "31d", "--batch-size", "7");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        for (String table : List.of("usage_stats", "cost_stats", "account_usage_stats", "key_stats", "model_stats")) {
            assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE granularity = 'hour' AND bucket_start < '"
                    + cutoff + "'")).as(table).isZero();
            assertThat(run.rows()).anyMatch(r -> r.startsWith("delete\t" + table + "\thour rows before "
                    + "2026-10-24T12:00:00Z\t"));
        }
        assertThat(count("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'hour' AND bucket_start >= '" + cutoff
                + "'")).isEqualTo(laterHours).isPositive();
        assertThat(count("SELECT COUNT(*) FROM usage_stats WHERE granularity <> 'hour'")
                + count("SELECT COUNT(*) FROM model_stats WHERE granularity <> 'hour'")).isEqualTo(daysAndMonths);
        assertThat(oldClaims).isGreaterThan(7);
        assertThat(count("SELECT COUNT(*) FROM ledger_event_ids WHERE occurred_at < '2026-11-02 12:00:00'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM ledger_event_ids")).isEqualTo(claims - oldClaims);
        assertThat(run.rows()).contains("delete\tledger_event_ids\tclaims before 2026-11-02T12:00:00Z\t" + oldClaims);
        assertThat(run.err()).contains("retention: ledger_event_ids: done, " + oldClaims + " rows deleted in ");
        assertThat(horizon("hourly")).isEqualTo(cutoff);
        assertThat(horizon("claims")).isEqualTo("2026-11-02 12:00:00");
    }

    @Test
    @Order(5)
    void verifyAndRebuildRefuseARangeBeforeTheKeptLedgerAndSkipWhatRetentionRemoved() throws SQLException {
        String stats = checksum("SELECT granularity, bucket_start, api_key_id, model, requests FROM usage_stats");

        Cli verifyDropped = cli(database, "verify", "--from", "2026-06-01", "--to", "2026-09-01");
        Cli rebuildDropped = cli(database, "rebuild", "--from", "2026-07-15", "--to", "2026-08-15");

        for (Cli refused : List.of(verifyDropped, rebuildDropped)) {
            assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("is before the ledger's retention").contains("2026-08-01T00:00:00Z");
        }
        assertThat(checksum("SELECT granularity, bucket_start, api_key_id, model, requests FROM usage_stats"))
                .isEqualTo(stats);

        // Kept months: hour cells and claims removed by retention are not differences; a rebuild writes no hour back.
        Cli verifyKept = cli(database, "verify", "--from", "2026-08-01", "--to", "2026-12-03");
        assertThat(verifyKept.code()).as(verifyKept.toString()).isEqualTo(ExitCodes.OK);
        Cli rebuildKept = cli(database, "rebuild", "--from", "2026-08-01", "--to", "2026-12-03");
        assertThat(rebuildKept.code()).as(rebuildKept.toString()).isEqualTo(ExitCodes.OK);
        assertThat(rebuildKept.rows()).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'hour' AND bucket_start < "
                + "'2026-10-24 12:00:00'")).isZero();

        // A cell corrupted after the hourly horizon is still found (request 20 of November: 2026-11-11 20:00).
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE usage_stats SET requests = requests + 1 WHERE granularity = 'hour' "
                    + "AND bucket_start = '2026-11-11 20:00:00' AND api_key_id = 'key_2' AND model = 'model-b'"))
                    .isOne();
        }
        Cli corrupted = cli(database, "verify", "--from", "2026-08-01", "--to", "2026-12-03");
        assertThat(corrupted.code()).as(corrupted.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(corrupted.cells()).containsExactly("usage_stats\thour\t2026-11-11T20:00:00Z\tkey_2\tmodel-b");
        assertThat(cli(database, "rebuild", "--from", "2026-11-01", "--to", "2026-12-01").code())
                .isEqualTo(ExitCodes.OK);
    }

    @Test
    void aResendWithinTheMaxEventAgeAfterItsMonthWasDroppedIsNotCountedAgain() throws SQLException {
        TestDatabase db = TestStack.migratedDatabase("cli_retention_resend");
        ProjectionWriter writer = writer(db);
        Instant accepted = Instant.parse("2026-11-25T10:00:00.500Z");
        LedgerEvent counted = Events.usage("resent_req").at("2026-11-25T10:00:00Z").key("key_r").tokens(500, 50)
                .received(accepted).build();
        LedgerEvent december = Events.usage("december_req").at("2026-12-15T10:00:00Z").key("key_r").build();
        writer.write(new ProjectionBatch("retention-it", "resend-events", List.of(counted, december), Map.of(),
                Map.of()));

        // November is dropped (its end is past a 10-day retention on the 20th); its claims are kept (31 days).
        Cli run = cli(db, "retention", "--now", "2026-12-20T00:00:00Z", "--ledger-retention", "10d",
                "--hourly-retention", "10d", "--claims-retention", "31d");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.rows()).contains("drop\tusage_records\tp202611\t1");
        String stats;
        try (Connection c = db.connect()) {
            assertThat(count(c, "SELECT COUNT(*) FROM usage_records WHERE request_id = 'resent_req'")).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM ledger_event_ids WHERE event_id = 'resent_req'")).isOne();
            stats = checksum(c, "SELECT granularity, bucket_start, api_key_id, model, requests, input_tokens "
                    + "FROM usage_stats");
        }

        // The same version again, and another one accepted earlier, which would swap in if the counted row were there.
        LedgerEvent same = Events.usage("resent_req").at("2026-11-25T10:00:00Z").key("key_r").tokens(500, 50)
                .received(accepted).build();
        LedgerEvent earlier = Events.usage("resent_req").at("2026-11-25T09:59:00Z").key("key_r").tokens(900, 90)
                .received(accepted.minusSeconds(30)).build();
        WriteResult first = writer.write(new ProjectionBatch("retention-it", "resend-events", List.of(same), Map.of(),
                Map.of()));
        WriteResult second = writer.write(new ProjectionBatch("retention-it", "resend-events", List.of(earlier),
                Map.of(), Map.of()));

        assertThat(first.newUsage() + second.newUsage()).isZero();
        assertThat(first.duplicateUsage() + second.duplicateUsage()).isEqualTo(2);
        try (Connection c = db.connect()) {
            assertThat(count(c, "SELECT COUNT(*) FROM usage_records WHERE request_id = 'resent_req'")).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM ledger_conflicts")).isZero();
            assertThat(checksum(c, "SELECT granularity, bucket_start, api_key_id, model, requests, input_tokens "
                    + "FROM usage_stats")).isEqualTo(stats);
        }
    }

    /** Partitions, row counts and recorded horizons: what any retention step would change. */
    private static String state(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            StringBuilder s = new StringBuilder();
            for (String table : List.of("usage_records", "cost_adjustments")) {
                s.append(table).append(partitions(c, table)).append(count(c, "SELECT COUNT(*) FROM " + table))
                        .append('\n');
            }
            for (String table : List.of("usage_stats", "cost_stats", "account_usage_stats", "key_stats", "model_stats",
                    "ledger_event_ids", "ledger_retention")) {
                s.append(table).append(' ').append(count(c, "SELECT COUNT(*) FROM " + table)).append('\n');
            }
            return s.toString();
        }
    }

    private static List<String> partitions(String table) throws SQLException {
        try (Connection c = database.connect()) {
            return partitions(c, table);
        }
    }

    private static List<String> partitions(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT PARTITION_NAME FROM "
                + "information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" + table
                + "' ORDER BY PARTITION_ORDINAL_POSITION")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String horizon(String subject) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DATE_FORMAT(kept_from, '%Y-%m-%d %H:%i:%s') FROM ledger_retention "
                        + "WHERE subject = '" + subject + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = database.connect()) {
            return count(c, sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String checksum(String sql) throws SQLException {
        try (Connection c = database.connect()) {
            return checksum(c, sql);
        }
    }

    /** The rows of a query, in a stable order, as one text. */
    private static String checksum(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return String.join("\n", rows);
    }
}
