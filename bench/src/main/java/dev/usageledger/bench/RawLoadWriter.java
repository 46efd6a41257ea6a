package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.ProjectionSql;
import dev.usageledger.projections.mysql.TsvRows;
import dev.usageledger.stack.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The second floor: the same ledger rows as {@link RawWriter}, each {@value RawWriter#BATCH} written to a file and
 * loaded with {@code LOAD DATA LOCAL INFILE}, {@value RawWriter#ROWS_PER_TRANSACTION} rows per transaction — the way
 * the pipeline writes its ledger rows. The files live in a directory of this run's own (owner-only), and the
 * connection may send files from that directory only ({@code allowLoadLocalInfileInPath}; {@code
 * allowLoadLocalInfile} stays off). Every row must arrive without a warning, or the run fails. The text is
 * {@link TsvRows}', the pipeline's own. Events are generated and priced outside the timed part; the text, the file,
 * the load and the commit are timed.
 */
final class RawLoadWriter {

    /** Safe inside a single-quoted SQL literal whatever the SQL mode: no quote, no backslash. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/+-]+");

    private RawLoadWriter() {}

    /** Whether the server accepts {@code LOAD DATA LOCAL} ({@code local_infile}: on in MariaDB, off in MySQL 8). */
    static boolean serverAllows(Databases dbs, String database) throws SQLException {
        try (Connection c = dbs.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(ProjectionSql.SELECT_LOCAL_INFILE)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Writes every event of {@code events} into {@code database}; returns the time spent writing and loading. */
    static Duration write(Databases dbs, String database, UsageTraffic events, LedgerTotals[] totals,
            Progress progress) throws SQLException, IOException {
        Path dir = Files.createTempDirectory("bench-load-").toRealPath();
        if (!SAFE_PATH.matcher(dir.toString()).matches()) {
            throw new IllegalStateException("the LOAD DATA directory must be a path of [A-Za-z0-9._/+-], was " + dir);
        }
        long spent = 0;
        LedgerTotals sum = LedgerTotals.ZERO;
        UsageTraffic.Cursor cursor = events.cursor();
        try (Connection c = dbs.connectLoadingFrom(database, dir)) {
            c.setAutoCommit(false);
            while (cursor.hasNext()) {
                List<UsageRecorded> chunk = cursor.next(RawWriter.ROWS_PER_TRANSACTION);
                for (UsageRecorded u : chunk) {
                    sum = sum.plus(u);
                }
                long t0 = System.nanoTime();
                for (int from = 0; from < chunk.size(); from += RawWriter.BATCH) {
                    List<UsageRecorded> batch = chunk.subList(from, Math.min(chunk.size(), from + RawWriter.BATCH));
                    load(c, dir, batch);
                    progress.advance(batch.size());
                }
                c.commit();
                spent += System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        totals[0] = sum;
        return Duration.ofNanos(spent);
    }

    private static void load(Connection c, Path dir, List<UsageRecorded> rows) throws SQLException, IOException {
        StringBuilder text = new StringBuilder(rows.size() * 400);
        for (UsageRecorded row : rows) {
            TsvRows.appendUsageRecord(text, row);
        }
        Path file = Files.createTempFile(dir, "usage-records-", ".tsv");
        try {
            Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
            try (Statement s = c.createStatement()) {
                int loaded = s.executeUpdate(ProjectionSql.loadUsageRecords(file.toString()));
                SQLWarning warning = s.getWarnings();
                if (warning != null || loaded != rows.size()) {
                    throw new SQLException("LOAD DATA stored " + loaded + " of " + rows.size() + " ledger rows"
                            + (warning == null ? "" : ", warned: " + warning.getMessage()), warning);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
