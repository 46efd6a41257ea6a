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
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.stack.EmbeddedMariaDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ledger verify} against a real MariaDB: a ledger projected by the projection's own writer, in a zone whose days
 * start on a half hour (Asia/Kolkata), then cells corrupted by hand.
 */
class VerifyCommandIT {

    private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    private static final String FROM = "2026-10-30";
    private static final String TO = "2026-11-03";
    private static TestDatabase database;

    @BeforeAll
    static void ledger() {
        database = TestStack.migratedDatabase("cli_verify");
        var registry = new SimpleMeterRegistry();
        ProjectionWriter writer = new ProjectionWriter(database.dataSource(), new BatchFold(new Buckets(ZONE)),
                new TransactionRetry("verify-it", RetrySettings.DEFAULTS, registry), Clock.systemUTC(),
                new AtomicLong(1)::incrementAndGet, registry);
        List<LedgerEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2026-10-29T00:00:00Z");
        for (int i = 0; i < 400; i++) {
            // Every 17 minutes for about 4.7 days: half-hour edges of Kolkata days, both sides of the range.
            events.add(Events.usage("verify_req_" + i).at(start.plusSeconds(i * 1020L)).key("key_" + (i % 3))
                    .account(i % 4 == 0 ? null : "acc_" + (i % 2)).model(i % 5 == 0 ? "model-b" : "model-a")
                    .tokens(100 + i, 10 + i).cost("0.00" + (i % 7 + 1), "0.0" + (i % 9 + 1))
                    .source(i % 11 == 0 ? PricingSource.UNPRICED : PricingSource.CATALOG).build());
        }
        for (int i = 0; i < 20; i++) {
            events.add(Events.adjustment("verify_adj_" + i).at(start.plusSeconds(i * 20_000L)).key("key_" + (i % 3))
                    .account(i % 2 == 0 ? "acc_1" : null).amounts("-0.5", "-0.75").build());
        }
        for (int i = 0; i < events.size(); i += 50) {
            writer.write(new ProjectionBatch("verify-it", "verify-events",
                    events.subList(i, Math.min(events.size(), i + 50)), Map.of(), Map.of()));
        }
    }

    private static Cli verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("verify", "--from", FROM, "--to", TO, "--zone", ZONE.getId(),
                "--jdbc-url", database.jdbcUrl(), "--db-user", EmbeddedMariaDb.USER, "--db-password",
                EmbeddedMariaDb.PASSWORD));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void listsExactlyTheCorruptedCellsOfTheRangeAndExitsOne() throws SQLException {
        Cli clean = verify();
        assertThat(clean.code()).as(clean.toString()).isEqualTo(ExitCodes.OK);
        assertThat(clean.rows()).isEmpty();
        assertThat(clean.err()).contains("verify: done, ").contains(" ledger rows in ").contains("rows/s");

        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            // An hour inside the range: 3 requests too many.
            s.executeUpdate("UPDATE usage_stats SET requests = requests + 3 WHERE granularity = 'hour' "
                    + "AND bucket_start = '2026-10-31 05:00:00' AND api_key_id = 'key_0' AND model = 'model-a'");
            // The hour that straddles two Kolkata days (18:00-19:00 UTC): covered by no day, still checked.
            s.executeUpdate("UPDATE account_usage_stats SET input_tokens = 1 WHERE granularity = 'hour' "
                    + "AND bucket_start = '2026-11-01 18:00:00' AND account_id = 'acc_1' AND model = 'model-a'");
            // A rollup (no model in its key): one unpriced request too many.
            s.executeUpdate("UPDATE model_stats SET unpriced_requests = unpriced_requests + 1 WHERE granularity = "
                    + "'hour' AND bucket_start = '2026-10-31 05:00:00' AND model = 'model-a'");
            // A day row missing, and a row the ledger does not have.
            s.executeUpdate("DELETE FROM cost_stats WHERE granularity = 'day' "
                    + "AND bucket_start = '2026-10-31 18:30:00' AND api_key_id = 'key_1' AND model = 'model-a'");
            s.executeUpdate("INSERT INTO usage_stats (granularity, bucket_start, api_key_id, model, requests) "
                    + "VALUES ('day', '2026-11-01 18:30:00', 'key_ghost', 'model-a', 2)");
            // An all-zero row is no row: not a difference.
            s.executeUpdate("INSERT INTO cost_stats (granularity, bucket_start, api_key_id, model) "
                    + "VALUES ('hour', '2026-10-31 07:00:00', 'key_zero', 'model-a')");
            // Outside the range (the day before it), so not listed.
            s.executeUpdate("UPDATE usage_stats SET requests = requests + 1 WHERE granularity = 'day' "
                    + "AND bucket_start = '2026-10-28 18:30:00' AND api_key_id = 'key_0' AND model = 'model-a'");
        }
        try {
            Cli corrupted = verify();
            assertThat(corrupted.code()).as(corrupted.toString()).isEqualTo(ExitCodes.DIFFERENCES);
            assertThat(corrupted.cells()).containsExactlyInAnyOrder(
                    "usage_stats\thour\t2026-10-31T05:00:00Z\tkey_0\tmodel-a",
                    "account_usage_stats\thour\t2026-11-01T18:00:00Z\tacc_1\tmodel-a",
                    "cost_stats\tday\t2026-10-31T18:30:00Z\tkey_1\tmodel-a",
                    "usage_stats\tday\t2026-11-01T18:30:00Z\tkey_ghost\tmodel-a",
                    "model_stats\thour\t2026-10-31T05:00:00Z\tmodel-a\t");
            assertThat(corrupted.rows()).anySatisfy(r -> assertThat(r).startsWith(
                    "usage_stats\tday\t2026-11-01T18:30:00Z\tkey_ghost\tmodel-a\trequests\t2\t0"));
            assertThat(LedgerInvariants.inRange(database.dataSource(), ZONE, Instant.parse("2026-10-29T18:30:00Z"),
                    Instant.parse("2026-11-02T18:30:00Z"))).hasSize(5);
        } finally {
            try (Connection c = database.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM usage_stats WHERE api_key_id = 'key_ghost'");
                s.executeUpdate("DELETE FROM cost_stats WHERE api_key_id = 'key_zero'");
            }
            Cli repaired = Cli.run("rebuild", "--from", "2026-10-28", "--to", TO, "--zone", ZONE.getId(),
                    "--jdbc-url", database.jdbcUrl(), "--db-user", EmbeddedMariaDb.USER);
            assertThat(repaired.code()).as(repaired.toString()).isEqualTo(ExitCodes.OK);
        }
        assertThat(verify().code()).isEqualTo(ExitCodes.OK);
        LedgerInvariants.assertHold(database.dataSource(), ZONE);
    }

    @Test
    void aRebuildInAnotherZoneThanTheConsumersStopsBeforeWritingAnything() throws SQLException {
        String checksum = "CHECKSUM TABLE usage_stats, cost_stats, account_usage_stats, key_stats, model_stats";
        List<String> before = checksums(checksum);

        // The stored days start at 18:30 UTC (Kolkata): with UTC's buckets the rebuild would delete and replace them.
        Cli utc = Cli.run("rebuild", "--from", FROM, "--to", TO, "--zone", "UTC", "--jdbc-url", database.jdbcUrl(),
                "--db-user", EmbeddedMariaDb.USER, "--db-password", EmbeddedMariaDb.PASSWORD);

        assertThat(utc.code()).as(utc.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(utc.err()).contains("not a bucket of the reporting zone UTC");
        assertThat(checksums(checksum)).isEqualTo(before);
        LedgerInvariants.assertHold(database.dataSource(), ZONE);
    }

    private static List<String> checksums(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void aBadOptionIsAUsageErrorAndAnUnreachableDatabaseAFailure() {
        assertThat(Cli.run("verify", "--from", "yesterday", "--to", TO).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("verify", "--from", TO, "--to", FROM).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("verify", "--from", FROM, "--to", TO, "--zone", "Mars/Olympus").code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        Cli unreachable = Cli.run("verify", "--from", FROM, "--to", TO, "--jdbc-url", "jdbc:mysql://127.0.0.1:1/none");
        assertThat(unreachable.code()).as(unreachable.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unreachable.err()).contains("ledger verify: failed");
    }
}
