package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import dev.usageledger.projections.mysql.LedgerRows;
import dev.usageledger.projections.mysql.ProjectionSql;
import dev.usageledger.projections.mysql.ProjectionSql.StatsTable;
import dev.usageledger.stack.Progress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The baseline to beat, as the Claude Relay Service MySQL fork writes usage: per event, with
 * autocommit, one ledger insert and then one single-row upsert per stats row the event touches
 * (usage, cost and account stats at hour, day and month: 9 upserts, 6 without an account). No
 * batching, no idempotency. Same statements as the projection for those tables; the projection also folds the
 * rollups {@code key_stats} and {@code model_stats}, which the fork does not have, so it does more per event than this.
 */
final class NaiveWriter {

    private static final BatchFold PER_EVENT = new BatchFold(new Buckets(ZoneOffset.UTC));

    /** Writes the first {@code sample} events; returns the time spent in JDBC. */
    static Duration write(Databases dbs, String database, UsageTraffic events, int sample, LedgerTotals[] totals,
            Progress progress) throws SQLException {
        List<UsageRecorded> chunk = events.cursor().next(sample);
        LedgerTotals sum = LedgerTotals.ZERO;
        for (UsageRecorded u : chunk) {
            sum = sum.plus(u);
        }
        long t0;
        try (Connection c = dbs.connect(database);
                PreparedStatement ledger = c.prepareStatement(ProjectionSql.INSERT_USAGE_RECORD);
                PreparedStatement usage = c.prepareStatement(StatsTable.USAGE.upsert());
                PreparedStatement cost = c.prepareStatement(StatsTable.COST.upsert());
                PreparedStatement account = c.prepareStatement(StatsTable.ACCOUNT_USAGE.upsert())) {
            c.setAutoCommit(true);
            t0 = System.nanoTime();
            for (UsageRecorded u : chunk) {
                LedgerRows.bindUsageRecord(ledger, u);
                ledger.executeUpdate();
                FoldedBatch rows = PER_EVENT.fold(List.of(u), List.of());
                upsertEach(usage, StatsTable.USAGE, rows);
                upsertEach(cost, StatsTable.COST, rows);
                upsertEach(account, StatsTable.ACCOUNT_USAGE, rows);
                progress.advance(1);
            }
        }
        totals[0] = sum;
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static void upsertEach(PreparedStatement ps, StatsTable table, FoldedBatch rows) throws SQLException {
        for (Map.Entry<StatsKey, Measures> row : table.rows(rows)) {
            LedgerRows.bindStatsRow(ps, table, row.getKey(), row.getValue());
            ps.executeUpdate();
        }
    }

    private NaiveWriter() {}
}
