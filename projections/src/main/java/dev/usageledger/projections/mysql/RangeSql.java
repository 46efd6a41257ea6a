package dev.usageledger.projections.mysql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of checking and rebuilding the stats of a time range (CONTRACT §3) from the ledger: the ledger's sums per
 * slot of time, the stored cells of a range of buckets, and the writes that make the cells equal the ledger. Runs on
 * MySQL 8.0+ and MariaDB 10.11+ alike; instants travel as {@code 'yyyy-MM-dd HH:mm:ss'} UTC text, so the result does
 * not depend on the connection's time zone.
 *
 * <p>Every stats measure ({@link ProjectionSql.StatsTable#measures()}) needs its value per {@code usage_records} row in
 * {@link #FROM_USAGE_RECORDS}, and per {@code cost_adjustments} row in {@link #FROM_COST_ADJUSTMENTS} when adjustments
 * change it: a new measure is added there, and nowhere else, for {@code verify} and {@code rebuild} to cover it.
 */
final class RangeSql {

    private RangeSql() {}

    /** Each measure's value in one {@code usage_records} row; a measure's sum over rows is the sum of this. */
    static final Map<String, String> FROM_USAGE_RECORDS = Map.of(
            "requests", "1",
            "unpriced_requests", "pricing_source = 'unpriced'",
            "input_tokens", "input_tokens",
            "output_tokens", "output_tokens",
            "cache_create_tokens", "cache_create_tokens",
            "cache_read_tokens", "cache_read_tokens",
            "ephemeral_5m_tokens", "ephemeral_5m_tokens",
            "ephemeral_1h_tokens", "ephemeral_1h_tokens",
            "real_cost_usd", "real_cost_usd",
            "rated_cost_usd", "rated_cost_usd");

    /** Each measure's value in one {@code cost_adjustments} row; a measure not named here is 0. */
    static final Map<String, String> FROM_COST_ADJUSTMENTS = Map.of(
            "real_cost_usd", "real_cost_usd",
            "rated_cost_usd", "rated_cost_usd");

    /** The DATETIME text format of every bound and of {@code bucket_start} as read. */
    static final String DATETIME_FORMAT = "'%Y-%m-%d %H:%i:%s'";

    /** Every measure of every stats table, each once, in table then column order: the columns of the ledger sums. */
    static List<String> allMeasures() {
        Set<String> all = new LinkedHashSet<>();
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            all.addAll(t.measures());
        }
        for (String m : all) {
            if (!FROM_USAGE_RECORDS.containsKey(m)) {
                throw new IllegalStateException("stats measure " + m + " has no sum over usage_records in "
                        + "RangeSql.FROM_USAGE_RECORDS: verify and rebuild cannot compute it");
            }
        }
        return List.copyOf(all);
    }

    /**
     * A ledger table's rows in {@code [from, to)}, each with its slot: parameters the span's start (the slot origin),
     * the slot length in seconds, the lower and the upper bound. Columns: slot, {@code api_key_id}, {@code account_id},
     * {@code model}, then {@link #allMeasures()} in order (the row's {@code values} of each). Rows, not sums per slot:
     * the slots of a busy ledger hold about one row per (key, account, model), so a {@code GROUP BY} in the server
     * (a temporary table as large as the rows, spilled to disk past {@code tmp_table_size}) costs several times
     * the plain range read, and the caller sums them into cells anyway. {@code locking}: a shared lock on every row
     * read and on the gaps of the range ({@code LOCK IN SHARE MODE}, both servers; next-key locks under REPEATABLE
     * READ), so that no insert or delete in the range commits before this transaction does.
     */
    static String ledgerRows(String table, Map<String, String> values, boolean locking) {
        StringBuilder sql = new StringBuilder("SELECT TIMESTAMPDIFF(SECOND, ?, occurred_at) DIV ?, api_key_id, "
                + "account_id, model");
        for (String m : allMeasures()) {
            sql.append(", ").append(values.getOrDefault(m, "0"));
        }
        sql.append(" FROM ").append(table).append(indexHint(table))
                .append(" WHERE occurred_at >= ? AND occurred_at < ?");
        if (locking) {
            sql.append(" LOCK IN SHARE MODE");
        }
        return sql.toString();
    }

    /** The range read of {@code cost_adjustments} walks its time index (V7), never the whole table. */
    private static String indexHint(String table) {
        return "cost_adjustments".equals(table) ? " FORCE INDEX (ix_cost_adjustments_time)" : "";
    }

    /**
     * The stored cells of one granularity with {@code bucket_start} in {@code [?, ?)}, in primary-key order: bucket
     * start as text, subject, model ({@code ''}, {@link dev.usageledger.projections.fold.StatsKey#ROLLUP}, for a
     * rollup), measures. {@code locking}: {@code FOR UPDATE} (rows and gaps, so no cell of the range is inserted by
     * anyone else before this transaction commits).
     */
    static String storedCells(ProjectionSql.StatsTable t, boolean locking) {
        return "SELECT DATE_FORMAT(bucket_start, " + DATETIME_FORMAT + "), " + t.subjectColumn() + ", "
                + (t.rollup ? "''" : "model") + ", " + String.join(", ", t.measures()) + " FROM " + t.table
                + " WHERE granularity = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start, "
                + t.subjectColumn() + (t.rollup ? "" : ", model") + (locking ? " FOR UPDATE" : "");
    }

    /** A cell's measures set to the ledger's: measures, then the key ({@link #keyColumns}). */
    static String updateCell(ProjectionSql.StatsTable t) {
        List<String> set = new ArrayList<>();
        for (String m : t.measures()) {
            set.add(m + " = ?");
        }
        return "UPDATE " + t.table + " SET " + String.join(", ", set) + whereKey(t);
    }

    /** A cell the ledger has and the table lacks: key ({@link #keyColumns}), then measures. */
    static String insertCell(ProjectionSql.StatsTable t) {
        return "INSERT INTO " + t.table + " (" + String.join(", ", keyColumns(t)) + ", "
                + String.join(", ", t.measures()) + ") VALUES (" + "?, ".repeat(keyColumns(t).size())
                + String.join(", ", java.util.Collections.nCopies(t.measures().size(), "?")) + ")";
    }

    /** A cell the ledger sums to zero: no row (CONTRACT §3: an all-zero row is the same as none). */
    static String deleteCell(ProjectionSql.StatsTable t) {
        return "DELETE FROM " + t.table + whereKey(t);
    }

    /** The primary key's columns: granularity, bucket start, subject and, unless a rollup, model. */
    static List<String> keyColumns(ProjectionSql.StatsTable t) {
        return t.rollup ? List.of("granularity", "bucket_start", t.subjectColumn())
                : List.of("granularity", "bucket_start", t.subjectColumn(), "model");
    }

    private static String whereKey(ProjectionSql.StatsTable t) {
        return " WHERE " + String.join(" AND ", keyColumns(t).stream().map(c -> c + " = ?").toList());
    }

    /**
     * Ledger rows in {@code [?, ?)} that their id's claim does not locate: a second row of one id, or a row without
     * its claim in {@code ledger_event_ids} (the claim holds the counted row's {@code occurred_at}).
     */
    static final String UNCLAIMED_USAGE = """
            SELECT r.request_id FROM usage_records r LEFT JOIN ledger_event_ids i \
            ON i.event_kind = 'U' AND i.event_id = r.request_id AND i.occurred_at = r.occurred_at \
            WHERE r.occurred_at >= ? AND r.occurred_at < ? AND i.event_id IS NULL""";

    static final String UNCLAIMED_ADJUSTMENTS = """
            SELECT a.adjustment_id FROM cost_adjustments a FORCE INDEX (ix_cost_adjustments_time) \
            LEFT JOIN ledger_event_ids i \
            ON i.event_kind = 'A' AND i.event_id = a.adjustment_id AND i.occurred_at = a.occurred_at \
            WHERE a.occurred_at >= ? AND a.occurred_at < ? AND i.event_id IS NULL""";
}
