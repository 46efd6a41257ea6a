package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.LedgerRows;
import dev.usageledger.projections.mysql.ProjectionSql;
import dev.usageledger.stack.Progress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The floor: only the ledger rows the events produce, inserted with rewritten JDBC batches of
 * {@value #BATCH} rows, {@value #ROWS_PER_TRANSACTION} rows per transaction. Both fixed, so the
 * baseline cannot be weakened. Events are generated and priced outside the timed part.
 */
final class RawWriter {

    static final int BATCH = 5_000;
    static final int ROWS_PER_TRANSACTION = 50_000;

    /** Writes every event of {@code events} into {@code database}; returns the time spent in JDBC. */
    static Duration write(Databases dbs, String database, UsageTraffic events, LedgerTotals[] totals,
            Progress progress) throws SQLException {
        long spent = 0;
        LedgerTotals sum = LedgerTotals.ZERO;
        UsageTraffic.Cursor cursor = events.cursor();
        try (Connection c = dbs.connect(database);
                PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_USAGE_RECORD)) {
            c.setAutoCommit(false);
            while (cursor.hasNext()) {
                var chunk = cursor.next(ROWS_PER_TRANSACTION);
                for (UsageRecorded u : chunk) {
                    sum = sum.plus(u);
                }
                long t0 = System.nanoTime();
                int n = 0;
                for (UsageRecorded u : chunk) {
                    LedgerRows.bindUsageRecord(ps, u);
                    ps.addBatch();
                    if (++n % BATCH == 0) {
                        ps.executeBatch();
                        progress.advance(BATCH);
                    }
                }
                if (n % BATCH != 0) {
                    ps.executeBatch();
                    progress.advance(n % BATCH);
                }
                c.commit();
                spent += System.nanoTime() - t0;
            }
        }
        totals[0] = sum;
        return Duration.ofNanos(spent);
    }

    private RawWriter() {}
}
