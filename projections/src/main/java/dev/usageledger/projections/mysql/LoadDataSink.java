package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows loaded with {@code LOAD DATA LOCAL INFILE} from files written into the consumer's own
 * {@link LoadDataDirectory}, instead of rewritten multi-row {@code INSERT}s: the server skips the SQL parser per
 * value and the client skips Connector/J's per-parameter binding. Measured on the embedded MariaDB
 * (docs/performance.md): 200,000 ledger rows in 4.1–4.5 s against 9.3–10.4 s batched. Folded stats rows, which are
 * upserted, go the same way into a per-connection staging table and from there into the stats table with one
 * {@code INSERT … SELECT … ON DUPLICATE KEY UPDATE} ({@link #stats}). Cost adjustments are few: their claims and
 * rows go through the {@link BatchedInsertSink}.
 *
 * <p><b>Checks.</b> {@code LOCAL} makes the server treat every row error as a warning (it cannot stop the client
 * mid-file): a row that a plain {@code INSERT} would reject is skipped or truncated. Ledger rows and stats rows
 * therefore must all arrive, with no warning at all, or the load fails (and the transaction with it). Id claims are
 * {@code IGNORE} anyway: the affected-row count is what this attempt claimed.
 *
 * <p>Used only when the server allows it ({@code local_infile}, on by default in MariaDB, off in MySQL 8):
 * {@link #on} asks once, and again after a load failed; otherwise it hands over to the batched {@code INSERT}s.
 * Thread-safe.
 */
public final class LoadDataSink implements ProjectionSink {

    private static final Logger log = LoggerFactory.getLogger(LoadDataSink.class);
    /**
     * Stats rows staged at a time: well under the 16 MB {@code MEMORY} tables get by default (a row takes ~300
     * bytes: the {@code VARCHAR}s are stored at full width).
     */
    static final int STAGING_CHUNK = 5000;

    private final LoadDataDirectory directory;
    private final BatchedInsertSink inserts = new BatchedInsertSink();
    private volatile Boolean serverAllows;

    public LoadDataSink(LoadDataDirectory directory) {
        this.directory = directory;
    }

    /** This sink where the server accepts {@code LOAD DATA LOCAL}, else the batched {@code INSERT}s. */
    @Override
    public ProjectionSink on(Connection c) throws SQLException {
        return usable(c) ? this : inserts;
    }

    /**
     * Whether the server accepts {@code LOAD DATA LOCAL}; asked on the first connection, and again after a load
     * failed (the setting may have been switched off).
     */
    boolean usable(Connection c) throws SQLException {
        Boolean allows = serverAllows;
        if (allows == null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ProjectionSql.SELECT_LOCAL_INFILE)) {
                allows = rs.next() && rs.getBoolean(1);
            }
            if (!allows) {
                log.warn("the server has local_infile off: ledger rows, id claims and stats rows are written with "
                        + "INSERT");
            }
            serverAllows = allows;
        }
        return allows;
    }

    /** Loaded, counted: the ids are distinct, so as many claimed as sent means each one was new. */
    @Override
    public long claimIds(Connection c, String kind, List<? extends LedgerEvent> sorted, long token)
            throws SQLException {
        if (!ProjectionSql.USAGE_KIND.equals(kind)) {
            return inserts.claimIds(c, kind, sorted, token);
        }
        StringBuilder tsv = new StringBuilder(sorted.size() * 64);
        for (LedgerEvent e : sorted) {
            TsvRows.appendEventId(tsv, kind, e, token);
        }
        return load(c, "event-ids-", tsv, ProjectionSql::loadEventIds, false);
    }

    @Override
    public void usageRecords(Connection c, List<UsageRecorded> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder tsv = new StringBuilder(rows.size() * 400);
        for (UsageRecorded u : rows) {
            TsvRows.appendUsageRecord(tsv, u);
        }
        int loaded = load(c, "usage-records-", tsv, ProjectionSql::loadUsageRecords, true);
        if (loaded != rows.size()) {
            throw new SQLException("LOAD DATA stored " + loaded + " of " + rows.size() + " ledger rows");
        }
    }

    @Override
    public void adjustments(Connection c, List<CostAdjusted> rows) throws SQLException {
        inserts.adjustments(c, rows);
    }

    /**
     * Per table, in the batched upsert's table order, the rows (already in primary-key order) are loaded into the
     * connection's staging table and added from there with one {@code INSERT … SELECT … ORDER BY} primary key
     * {@code … ON DUPLICATE KEY UPDATE}.
     */
    @Override
    public int stats(Connection c, FoldedBatch folded) throws SQLException {
        for (ProjectionSql.StatsTable table : ProjectionSql.StatsTable.values()) {
            stats(c, table, table.rows(folded));
        }
        return folded.rowCount();
    }

    private void stats(Connection c, ProjectionSql.StatsTable table, List<Map.Entry<StatsKey, Measures>> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(table.createStaging());
            // In chunks, in order: the rows are sorted, so the chunks lock the stats rows in primary-key order too.
            for (int from = 0; from < rows.size(); from += STAGING_CHUNK) {
                List<Map.Entry<StatsKey, Measures>> chunk =
                        rows.subList(from, Math.min(rows.size(), from + STAGING_CHUNK));
                StringBuilder tsv = new StringBuilder(chunk.size() * (table.cost ? 160 : 120));
                for (Map.Entry<StatsKey, Measures> row : chunk) {
                    TsvRows.appendStatsRow(tsv, table, row.getKey(), row.getValue());
                }
                // Not transactional: a rolled-back or failed earlier use may have left rows behind.
                s.executeUpdate(table.emptyStaging());
                int loaded = load(c, "stats-", tsv, table::loadStaging, true);
                if (loaded != chunk.size()) {
                    throw new SQLException("LOAD DATA staged " + loaded + " of " + chunk.size() + " " + table.table
                            + " rows");
                }
                s.executeUpdate(table.upsertFromStaging());
            }
        }
    }

    private interface Sql {
        String of(String file);
    }

    private int load(Connection c, String prefix, CharSequence tsv, Sql sql, boolean noWarnings) throws SQLException {
        Path file;
        try {
            file = directory.write(prefix, tsv);
        } catch (IOException e) {
            throw new SQLException("writing the LOAD DATA file failed", e);
        }
        try (Statement s = c.createStatement()) {
            int rows;
            try {
                rows = s.executeUpdate(sql.of(file.toString()));
            } catch (SQLException e) {
                // local_infile may have been switched off: the retry asks the server again (and inserts).
                serverAllows = null;
                throw e;
            }
            SQLWarning warning = noWarnings ? s.getWarnings() : null;
            if (warning != null) {
                throw new SQLException("LOAD DATA warned: " + warning.getMessage(), warning.getSQLState(),
                        warning.getErrorCode(), warning);
            }
            return rows;
        } finally {
            directory.delete(file);
        }
    }
}
