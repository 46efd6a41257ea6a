package dev.usageledger.projections.mysql;

import java.util.List;

/**
 * The SQL of {@code ledger retention} besides the partitions ({@link LedgerPartitions}): hour rows of the stats and id
 * claims removed in bounded batches, each batch a range of an index from its start (so no batch scans what it keeps),
 * and {@code ledger_retention}, what has been removed so far (V8). Runs on MySQL 8.0+ and MariaDB 10.11+ alike;
 * instants bound as UTC {@code LocalDateTime}s.
 */
public final class RetentionSql {

    /** Subjects of {@code ledger_retention}. */
    public static final String LEDGER = "ledger";
    public static final String HOURLY = "hourly";
    public static final String CLAIMS = "claims";

    /** What has been removed: subject and {@code kept_from}. */
    public static final String SELECT_HORIZONS = "SELECT subject, kept_from FROM ledger_retention";

    /** Records a horizon; it never moves back (what is removed stays removed). Parameters: subject, kept_from, now. */
    public static final String RECORD_HORIZON = """
            INSERT INTO ledger_retention (subject, kept_from, updated_at) VALUES (?, ?, ?) \
            ON DUPLICATE KEY UPDATE kept_from = GREATEST(kept_from, VALUES(kept_from)), \
            updated_at = VALUES(updated_at)""";

    /** Claims older than the cutoff (parameter 1), through {@code ix_ledger_event_ids_time}. */
    public static final String COUNT_CLAIMS = "SELECT COUNT(*) FROM ledger_event_ids WHERE occurred_at < ?";

    private RetentionSql() {}

    /** The stats tables and rollups whose hour rows retention removes, in the projection's table order. */
    public static List<String> hourlyTables() {
        return List.of(ProjectionSql.StatsTable.values()).stream().map(ProjectionSql.StatsTable::table).toList();
    }

    /** The table's hour rows that start before the cutoff (parameter 1). */
    public static String countHourly(String table) {
        return "SELECT COUNT(*) FROM " + statsTable(table).table + " WHERE granularity = 'hour' AND bucket_start < ?";
    }

    /**
     * At most {@code batch} of the table's hour rows that start before the cutoff (parameter 1), the oldest first: a
     * range of the primary key, which starts with {@code (granularity, bucket_start)}.
     */
    public static String deleteHourly(String table, int batch) {
        ProjectionSql.StatsTable t = statsTable(table);
        return "DELETE FROM " + t.table + " WHERE granularity = 'hour' AND bucket_start < ? ORDER BY "
                + String.join(", ", RangeSql.keyColumns(t)) + " LIMIT " + requireBatch(batch);
    }

    /** At most {@code batch} claims older than the cutoff (parameter 1), the oldest first, through the time index. */
    public static String deleteClaims(int batch) {
        return "DELETE FROM ledger_event_ids WHERE occurred_at < ? ORDER BY occurred_at LIMIT " + requireBatch(batch);
    }

    private static ProjectionSql.StatsTable statsTable(String table) {
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            if (t.table.equals(table)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a stats table: " + table);
    }

    private static int requireBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        return batch;
    }
}
