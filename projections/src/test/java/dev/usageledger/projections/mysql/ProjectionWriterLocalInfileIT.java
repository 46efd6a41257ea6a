package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link ProjectionWriterIT} again, with ledger rows and id claims loaded by {@code LOAD DATA LOCAL
 * INFILE} from the writer's own directory (the only one the connections may send files from), and what only
 * loading can get wrong: escaping, and rows the server skips instead of rejecting.
 */
class ProjectionWriterLocalInfileIT extends ProjectionWriterIT {

    private static final LocalInfile LOCAL_INFILE = LocalInfile.in(Path.of("target", "it-local-infile"));

    /** Hides {@link ProjectionWriterIT#database()}: the same database, connections allowed to load from the directory. */
    @BeforeAll
    static void database() {
        ds = TestDatabase.pool(TestDatabase.freshDatabase("writer_load_it") + "&allowLoadLocalInfileInPath="
                + LOCAL_INFILE.directory(), 10);
    }

    @Override
    LocalInfile localInfile() {
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
        List<List<String>> inserted = ledgerAfter(null, events);
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
        assertThat(LOCAL_INFILE.directory()).isEmptyDirectory();
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
    void aServerThatStopsAllowingLoadsIsAskedAgainAndTheBatchInserted() throws Exception {
        LocalInfile own = LocalInfile.in(LOCAL_INFILE.directory());
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

    /** Every column of the ledger after writing {@code events} with {@code load} (null: INSERT) into emptied tables. */
    private List<List<String>> ledgerAfter(LocalInfile load, List<UsageRecorded> events) throws SQLException {
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
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM usage_records ORDER BY request_id")) {
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
}
