package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link ProjectionWriterIT} again, with ledger rows and id claims loaded by {@code LOAD DATA LOCAL
 * INFILE} from the writer's own directory (the only one the connections may send files from), and what only
 * loading can get wrong: escaping, and rows the server skips instead of rejecting.
 */
class ProjectionWriterLoadDataIT extends ProjectionWriterIT {

    private static final LoadDataDirectory DIRECTORY = LoadDataDirectory.in(Path.of("target", "it-local-infile"));
    private static final LoadDataSink LOCAL_INFILE = new LoadDataSink(DIRECTORY);

    /** Hides {@link ProjectionWriterIT#database()}: the same database, connections allowed to load from the directory. */
    @BeforeAll
    static void database() {
        ds = TestDatabase.pool(TestDatabase.freshDatabase("writer_load_it") + "&allowLoadLocalInfileInPath="
                + DIRECTORY.directory(), 10);
    }

    @Override
    ProjectionSink sink() {
        return LOCAL_INFILE;
    }

    @Test
    void theServerAllowsLoadingSoEveryTestHereLoads() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThat(LOCAL_INFILE.usable(c)).isTrue();
        }
    }

    @Test
    void aLoadedLedgerRowEqualsTheInsertedOneToTheLastCharacter() throws SQLException {
        String awkward = "relay\tone\nline\\two\r\0 \\N ünïcödé 🚀 'quoted'";
        List<UsageRecorded> events = List.of(
                Events.usage("req_all").withAllOptionals().account("acc_1").relay(awkward, Instant.parse(
                        "2026-11-22T11:59:59.001Z")).build(),
                Events.usage("req_bare").tokens(7, 3).cost("0.0000000001", "12345678.1234567890").build(),
                Events.usage("req_breakdown").breakdown("0.1", "0.2", "0.3", "0.4", "0.5").build());
        List<List<String>> inserted = ledgerAfter(new BatchedInsertSink(), events);
        List<List<String>> loaded = ledgerAfter(LOCAL_INFILE, events);
        assertThat(loaded).isEqualTo(inserted).hasSize(3);
        assertThat(loaded.get(0)).contains(awkward);
    }

    @Test
    void aLedgerRowTheServerSkipsFailsTheLoadInsteadOfVanishing() throws SQLException {
        UsageRecorded u = Events.usage("req_twice").build();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                assertThatThrownBy(() -> LOCAL_INFILE.usageRecords(c, List.of(u, u)))
                        .isInstanceOf(SQLException.class).hasMessageContaining("LOAD DATA warned: Duplicate entry");
            } finally {
                c.rollback();
            }
        }
        assertThat(DIRECTORY.directory()).isEmptyDirectory();
    }

    @Test
    void aValueTheServerTruncatesFailsTheLoadInsteadOfBeingCut() throws SQLException {
        UsageRecorded tooLong = Events.usage("req_long").model("m".repeat(129)).build();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                assertThatThrownBy(() -> LOCAL_INFILE.usageRecords(c, List.of(tooLong)))
                        .isInstanceOf(SQLException.class).hasMessageContaining("LOAD DATA warned");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void backslashEscapesHoldUnderNoBackslashEscapes() throws SQLException {
        String awkward = "a\\b\tc\nd\0e \\N";
        UsageRecorded u = Events.usage("req_nbe").relay(awkward, Instant.parse("2026-11-22T11:59:59.001Z")).build();
        TestDatabase.truncateAll(ds);
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')");
            }
            c.setAutoCommit(false);
            try {
                LOCAL_INFILE.usageRecords(c, List.of(u));
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT relay_id FROM usage_records WHERE request_id = 'req_nbe'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(awkward);
                }
            } finally {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_mode = DEFAULT");
                }
                c.setAutoCommit(true);
            }
        }
    }

    @Test
    void loadedStatsEqualTheUpsertedOnesToTheLastDigit() throws SQLException {
        // Two batches over the same keys: the second adds to rows the first created (the UPDATE side of the upsert).
        List<List<LedgerEvent>> batches = List.of(
                List.of(Events.usage("req_1").withAllOptionals().account("acc_1").build(),
                        Events.usage("req_2").key("key_b").tokens(10, 1).cost("0.0000000001", "12345678.1234567890")
                                .build(),
                        Events.usage("req_3").at("2026-11-21T23:59:59.999Z").account("acc_2").tokens(5, 5).build(),
                        Events.usage("req_4").at("2026-10-31T23:00:00Z").model("gpt-5").build(),
                        Events.adjustment("adj_1").account("acc_1").amounts("-0.0000000003", "-1.5").build()),
                List.of(Events.usage("req_5").key("key_b").tokens(1, 1).cost("0.3333333333", "0.6666666667").build(),
                        Events.usage("req_6").withAllOptionals().account("acc_1").build(),
                        Events.adjustment("adj_2").key("key_b").model("gpt-5").amounts("0.5", "0.75").build()));
        Map<String, List<List<String>>> upserted = statsAfter(new BatchedInsertSink(), batches);
        Map<String, List<List<String>>> loaded = statsAfter(LOCAL_INFILE, batches);
        assertThat(loaded).isEqualTo(upserted);
        assertThat(loaded.get("usage_stats")).hasSizeGreaterThan(6);
        assertThat(loaded.get("account_usage_stats")).isNotEmpty();
        assertThat(DIRECTORY.directory()).isEmptyDirectory();
    }

    @Test
    void statsRowsStagedInSeveralChunksEqualTheUpsertedOnes() throws SQLException {
        List<LedgerEvent> many = new ArrayList<>();
        for (int i = 0; i < LoadDataSink.STAGING_CHUNK + 1500; i++) {
            many.add(Events.usage("req_" + i).key("key_" + i % (LoadDataSink.STAGING_CHUNK + 700)).tokens(i, 1)
                    .cost("0.000000" + (i % 1000 + 100), "1.5").build());
        }
        Map<String, List<List<String>>> upserted = statsAfter(new BatchedInsertSink(), List.of(many));
        Map<String, List<List<String>>> loaded = statsAfter(LOCAL_INFILE, List.of(many));
        assertThat(loaded).isEqualTo(upserted);
        assertThat(loaded.get("usage_stats")).hasSize(3 * (LoadDataSink.STAGING_CHUNK + 700));
    }

    @Test
    void aStatsRowTheServerWouldCutFailsTheLoadInsteadOfBeingCut() throws SQLException {
        FoldedBatch tooLong = folded(List.of(Events.usage("req_long").model("m".repeat(129)).build()));
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                assertThatThrownBy(() -> LOCAL_INFILE.stats(c, tooLong))
                        .isInstanceOf(SQLException.class).hasMessageContaining("LOAD DATA warned");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aServerThatStopsAllowingLoadsIsAskedAgainAndTheBatchInserted() throws Exception {
        LoadDataSink own = new LoadDataSink(LoadDataDirectory.in(DIRECTORY.directory()));
        try (Connection c = ds.getConnection()) {
            assertThat(own.usable(c)).isTrue();
        }
        List<UsageRecorded> events = List.of(Events.usage("req_after_switch").build());
        setLocalInfile(false);
        try {
            List<List<String>> rows;
            try {
                rows = ledgerAfter(own, events);
            } catch (Exception refused) {
                // The load the server refused failed its attempt (nothing stored); the retry asks again.
                rows = ledgerAfter(own, events);
            }
            assertThat(rows).hasSize(1);
            try (Connection c = ds.getConnection()) {
                assertThat(own.usable(c)).isFalse();
            }
        } finally {
            setLocalInfile(true);
        }
    }

    private static void setLocalInfile(boolean on) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL local_infile = " + (on ? "ON" : "OFF"));
        }
    }

    @Test
    void theStagingTableKeepsNothingFromAnEarlierUseOfTheConnection() throws SQLException {
        FoldedBatch first = folded(List.of(Events.usage("req_a").tokens(1000, 1).build()));
        FoldedBatch second = folded(List.of(Events.usage("req_b").tokens(7, 3).build()));
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            LOCAL_INFILE.stats(c, first);
            c.rollback(); // a failed transaction: its staged rows must not reach the next one
            assertThat(LOCAL_INFILE.stats(c, second)).isEqualTo(second.rowCount());
            c.commit();
            LOCAL_INFILE.stats(c, second); // a committed use: only this use's rows are added
            c.commit();
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT granularity, requests, input_tokens, output_tokens FROM "
                        + "usage_stats ORDER BY granularity")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4));
            }
            assertThat(rows).containsExactly("day 2 14 6", "hour 2 14 6", "month 2 14 6");
        }
    }

    private static FoldedBatch folded(List<UsageRecorded> usage) {
        BatchFold.Accumulator folded = new BatchFold(new Buckets(ZoneOffset.UTC)).accumulator();
        folded.add(usage, List.of());
        return folded.result();
    }

    /** The stats tables' rows after writing {@code batches} with {@code load} into emptied tables. */
    private Map<String, List<List<String>>> statsAfter(ProjectionSink load, List<List<LedgerEvent>> batches)
            throws SQLException {
        TestDatabase.truncateAll(ds);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProjectionWriter writer = new ProjectionWriter(ds, new BatchFold(new Buckets(ZoneOffset.UTC)),
                new TransactionRetry("load-it", RetrySettings.DEFAULTS, meters), Clock.systemUTC(),
                new AtomicLong()::incrementAndGet, meters, load);
        ConsumerOffsets offsets = new ConsumerOffsets(ds, Clock.systemUTC(),
                new TransactionRetry("load-it-offsets", RetrySettings.DEFAULTS, meters));
        long epoch = offsets.claim("g", "t", List.of(0)).get(0).epoch();
        long offset = 0;
        for (List<LedgerEvent> batch : batches) {
            offset += batch.size();
            writer.write(new ProjectionBatch("g", "t", batch, Map.of(0, offset), Map.of(0, epoch)));
        }
        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        for (String table : List.of("usage_stats", "cost_stats", "account_usage_stats")) {
            tables.put(table, rows("SELECT * FROM " + table + " ORDER BY 1, 2, 3, 4"));
        }
        return tables;
    }

    private static List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Every column of the ledger after writing {@code events} with {@code load} into emptied tables. */
    private List<List<String>> ledgerAfter(ProjectionSink load, List<UsageRecorded> events) throws SQLException {
        TestDatabase.truncateAll(ds);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProjectionWriter writer = new ProjectionWriter(ds, new BatchFold(new Buckets(ZoneOffset.UTC)),
                new TransactionRetry("load-it", RetrySettings.DEFAULTS, meters), Clock.systemUTC(),
                () -> 42L, meters, load);
        ConsumerOffsets offsets = new ConsumerOffsets(ds, Clock.systemUTC(),
                new TransactionRetry("load-it-offsets", RetrySettings.DEFAULTS, meters));
        long epoch = offsets.claim("g", "t", List.of(0)).get(0).epoch();
        writer.write(new ProjectionBatch("g", "t", List.<LedgerEvent>copyOf(events), Map.of(0, (long) events.size()),
                Map.of(0, epoch)));
        return rows("SELECT * FROM usage_records ORDER BY request_id");
    }
}
