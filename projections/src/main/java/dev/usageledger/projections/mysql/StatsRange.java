package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.BucketSpan;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.retry.TransactionRetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The stats of a time range against the ledger (CONTRACT §3), span by span ({@link BucketSpan#cover}): every bucket
 * lying wholly inside the range, at every granularity, of every stats table.
 *
 * <ul>
 *   <li>{@link #check}: one read-only transaction per span, both sides read in its one snapshot, so a live projection
 *       (which commits ledger rows and their stats together) never shows up as a difference;
 *   <li>{@link #rebuild}: one transaction per span that reads the span's ledger rows with shared locks (a live insert,
 *       delete or version swap into the span waits for this commit: neither lost nor counted twice), locks the span's
 *       stored cells {@code FOR UPDATE} in primary-key order, and writes the differing cells. A reader (MVCC) sees the
 *       span's buckets all before or all after. Retried whole on deadlock, lock wait timeout or lost connection.
 * </ul>
 * Thread-safe.
 */
public final class StatsRange {

    private final DataSource dataSource;
    private final Buckets buckets;
    private final RangeCells cells;
    private final TransactionRetry retry;

    public StatsRange(DataSource dataSource, ZoneId reportingZone, TransactionRetry retry) {
        this.dataSource = dataSource;
        this.buckets = new Buckets(reportingZone);
        this.cells = new RangeCells(buckets);
        this.retry = retry;
    }

    /** The spans that cover {@code [from, to)}, clipped to whole buckets per granularity. */
    public List<BucketSpan> spans(Instant from, Instant to) {
        return BucketSpan.cover(buckets, from, to);
    }

    /** The span's differing cells, read in one snapshot; nothing is written or locked. */
    public SpanResult check(BucketSpan span) {
        return retry.call(() -> JdbcTransaction.run(dataSource, "checking " + span, c -> {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                return cells.compare(c, span, false);
            } finally {
                c.setReadOnly(false);
            }
        }));
    }

    /**
     * Makes the span's cells equal the ledger, in one transaction, and returns the cells it changed (before → after).
     * {@code dryRun}: what a rebuild would change, found as {@link #check} finds it; nothing written or locked.
     */
    public SpanResult rebuild(BucketSpan span, boolean dryRun) {
        if (dryRun) {
            return check(span);
        }
        return retry.call(() -> JdbcTransaction.run(dataSource, "rebuilding " + span, c -> {
            // The locking reads take gap locks only under REPEATABLE READ, whatever the server's default.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            SpanResult result = cells.compare(c, span, true);
            cells.write(c, result.differences());
            return result;
        }));
    }

    /**
     * Ledger rows in {@code [from, to)} that break uniqueness: a second row of one id, or a row its id's claim in
     * {@code ledger_event_ids} does not locate. One line per row; empty when all hold.
     */
    public List<String> ledgerProblems(Instant from, Instant to) {
        try (Connection c = dataSource.getConnection()) {
            List<String> out = new ArrayList<>();
            unclaimed(c, RangeSql.UNCLAIMED_USAGE, "usage_records", from, to, out);
            unclaimed(c, RangeSql.UNCLAIMED_ADJUSTMENTS, "cost_adjustments", from, to, out);
            return out;
        } catch (SQLException e) {
            throw new ProjectionException("checking the ledger's ids failed", e);
        }
    }

    private static void unclaimed(Connection c, String sql, String table, Instant from, Instant to, List<String> out)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, RangeCells.text(from));
            s.setString(2, RangeCells.text(to));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(table + ": id " + rs.getString(1)
                            + " is not the row its claim in ledger_event_ids locates (a second row, or no claim)");
                }
            }
        }
    }
}
