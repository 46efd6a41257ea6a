package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.LoadDataDirectory;
import dev.usageledger.projections.mysql.LoadDataSink;
import dev.usageledger.stack.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The second floor: the same ledger rows as {@link RawWriter}, each {@value RawWriter#BATCH} loaded by the pipeline's
 * own {@link LoadDataSink} ({@code LOAD DATA LOCAL INFILE} of {@code TsvRows} text, every row stored without a
 * warning or the run fails), {@value RawWriter#ROWS_PER_TRANSACTION} rows per transaction — the pipeline's ledger
 * write alone, without claims, stats or offsets. The files live in a {@link LoadDataDirectory} of this run's own, and
 * the connection may send files from that directory only. Events are generated and priced outside the timed part;
 * the text, the file, the load and the commit are timed.
 */
final class RawLoadWriter {

    private RawLoadWriter() {}

    /** Whether the server accepts {@code LOAD DATA LOCAL} ({@code local_infile}: on in MariaDB, off in MySQL 8). */
    static boolean serverAllows(Databases dbs, String database) throws SQLException, IOException {
        Path dir = Files.createTempDirectory("bench-load-");
        LoadDataDirectory directory = LoadDataDirectory.in(dir);
        try (Connection c = dbs.connectLoadingFrom(database, directory.directory())) {
            LoadDataSink sink = new LoadDataSink(directory);
            return sink.on(c) == sink;
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    /** Writes every event of {@code events} into {@code database}; returns the time spent writing and loading. */
    static Duration write(Databases dbs, String database, UsageTraffic events, LedgerTotals[] totals,
            Progress progress) throws SQLException, IOException {
        Path dir = Files.createTempDirectory("bench-load-");
        LoadDataDirectory directory = LoadDataDirectory.in(dir);
        LoadDataSink sink = new LoadDataSink(directory);
        long spent = 0;
        LedgerTotals sum = LedgerTotals.ZERO;
        UsageTraffic.Cursor cursor = events.cursor();
        try (Connection c = dbs.connectLoadingFrom(database, directory.directory())) {
            c.setAutoCommit(false);
            while (cursor.hasNext()) {
                List<UsageRecorded> chunk = cursor.next(RawWriter.ROWS_PER_TRANSACTION);
                for (UsageRecorded u : chunk) {
                    sum = sum.plus(u);
                }
                long t0 = System.nanoTime();
                for (int from = 0; from < chunk.size(); from += RawWriter.BATCH) {
                    List<UsageRecorded> batch = chunk.subList(from, Math.min(chunk.size(), from + RawWriter.BATCH));
                    sink.usageRecords(c, batch);
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
}
