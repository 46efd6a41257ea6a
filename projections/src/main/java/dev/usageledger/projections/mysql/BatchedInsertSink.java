package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Rows sent as batched {@code INSERT}s, which the driver rewrites into multi-row statements
 * ({@code rewriteBatchedStatements}), rows in the order they were added. Every server accepts it: MySQL 8.4 ships
 * with {@code local_infile} off. Stateless and thread-safe.
 */
public final class BatchedInsertSink implements ProjectionSink {

    private static final int JDBC_BATCH = 2000;

    @Override
    public ProjectionSink on(Connection c) {
        return this;
    }

    /** The driver's batch counts are not reliable for {@code IGNORE}: the caller reads the claims back. */
    @Override
    public long claimIds(Connection c, String kind, List<? extends LedgerEvent> sorted, long token)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_EVENT_IDS)) {
            int n = 0;
            for (LedgerEvent e : sorted) {
                ps.setString(1, kind);
                ps.setString(2, e.eventId());
                ps.setObject(3, LedgerRows.utc(e.occurredAt()));
                ps.setLong(4, token);
                n = add(ps, n);
            }
            flush(ps, n);
        }
        return NOT_COUNTED;
    }

    @Override
    public void usageRecords(Connection c, List<UsageRecorded> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_USAGE_RECORD)) {
            int n = 0;
            for (UsageRecorded u : rows) {
                LedgerRows.bindUsageRecord(ps, u);
                n = add(ps, n);
            }
            flush(ps, n);
        }
    }

    @Override
    public void adjustments(Connection c, List<CostAdjusted> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_COST_ADJUSTMENT)) {
            for (CostAdjusted a : rows) {
                LedgerRows.bindAdjustment(ps, a);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public int stats(Connection c, FoldedBatch folded) throws SQLException {
        for (ProjectionSql.StatsTable table : ProjectionSql.StatsTable.values()) {
            upsert(c, table, table.rows(folded));
        }
        return folded.rowCount();
    }

    private static void upsert(Connection c, ProjectionSql.StatsTable table, List<Map.Entry<StatsKey, Measures>> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(table.upsert())) {
            int n = 0;
            for (Map.Entry<StatsKey, Measures> row : rows) {
                LedgerRows.bindStatsRow(ps, table, row.getKey(), row.getValue());
                n = add(ps, n);
            }
            flush(ps, n);
        }
    }

    /** Adds the bound row to the batch, sent every {@value #JDBC_BATCH} rows; returns the rows added so far. */
    private static int add(PreparedStatement ps, int n) throws SQLException {
        ps.addBatch();
        if (++n % JDBC_BATCH == 0) {
            ps.executeBatch();
        }
        return n;
    }

    private static void flush(PreparedStatement ps, int n) throws SQLException {
        if (n % JDBC_BATCH != 0) {
            ps.executeBatch();
        }
    }
}
