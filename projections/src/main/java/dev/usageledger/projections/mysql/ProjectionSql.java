package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * All SQL of the projection: the ledger, the idempotency table, the resend conflicts, the stats upserts and the
 * stored offsets. Runs on MySQL 8.0+ and MariaDB 10.11+ alike.
 *
 * <p>Upserts use {@code col = col + VALUES(col)}: MariaDB rejects MySQL 8.0.19's {@code INSERT … AS
 * new} row alias, and {@code VALUES()} still works on MySQL 8.4 (deprecated, with a warning only).
 * Batched with {@code rewriteBatchedStatements=true}, the driver sends each batch as multi-row
 * statements, rows in the order they were added, which is primary-key order.
 */
public final class ProjectionSql {

    private ProjectionSql() {}

    /** The measures of the stats tables, in the order of the upserts' parameters. */
    private static final List<String> STATS_TOKEN_COLUMNS = List.of("requests", "unpriced_requests", "input_tokens",
            "output_tokens", "cache_create_tokens", "cache_read_tokens", "ephemeral_5m_tokens", "ephemeral_1h_tokens");
    private static final List<String> STATS_COST_COLUMNS = List.of("real_cost_usd", "rated_cost_usd");

    /** {@code ledger_event_ids.event_kind} of a usage event's request id. */
    static final String USAGE_KIND = "U";
    /** {@code ledger_event_ids.event_kind} of a cost adjustment's id. */
    static final String ADJUSTMENT_KIND = "A";

    /** Claims event ids for this attempt; an id already claimed (by anyone, ever) keeps its row. */
    public static final String INSERT_EVENT_IDS = """
            INSERT IGNORE INTO ledger_event_ids (event_kind, event_id, occurred_at, batch_token) \
            VALUES (?, ?, ?, ?)""";

    /** The ids among {@code n} candidates that this attempt's token claimed: the new ones. */
    public static String selectClaimedEventIds(int n) {
        return "SELECT event_id FROM ledger_event_ids WHERE event_kind = ? AND batch_token = ? AND event_id IN ("
                + "?,".repeat(n - 1) + "?)";
    }

    /** The ids among {@code n} candidates of one kind that are claimed: counted before (a read-only look-up). */
    public static String selectEventIds(int n) {
        return "SELECT event_id FROM ledger_event_ids WHERE event_kind = ? AND event_id IN (" + "?,".repeat(n - 1)
                + "?)";
    }

    /**
     * One ledger row per request, its cost breakdown included (five nullable columns since schema
     * version 3; before, a second row in {@code usage_cost_breakdowns}).
     */
    public static final String INSERT_USAGE_RECORD = """
            INSERT INTO usage_records (request_id, occurred_at, api_key_id, account_id, account_type, model, \
            reported_model, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, \
            ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd, rated_cost_usd, pricing_source, \
            pricing_version, service_tier, long_context, endpoint, status_code, stream, duration_ms, relay_id, \
            received_at, input_cost_usd, output_cost_usd, cache_write_5m_cost_usd, cache_write_1h_cost_usd, \
            cache_read_cost_usd) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * The columns of {@link #INSERT_USAGE_RECORD} in its order: the order of a ledger row's fields in the
     * files {@link LoadDataSink} loads.
     */
    static final String USAGE_RECORD_COLUMNS = """
            request_id, occurred_at, api_key_id, account_id, account_type, model, \
            reported_model, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, \
            ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd, rated_cost_usd, pricing_source, \
            pricing_version, service_tier, long_context, endpoint, status_code, stream, duration_ms, relay_id, \
            received_at, input_cost_usd, output_cost_usd, cache_write_5m_cost_usd, cache_write_1h_cost_usd, \
            cache_read_cost_usd""";

    /** Whether the server accepts {@code LOAD DATA LOCAL} at all (MySQL 8 ships with it off, MariaDB on). */
    public static final String SELECT_LOCAL_INFILE = "SELECT @@GLOBAL.local_infile";

    /**
     * The escape character of {@link LoadDataSink}'s files, stated: without it, MariaDB takes {@code NO_BACKSLASH_ESCAPES}
     * (a server's or session's {@code sql_mode}) to mean no escape at all, and {@code \N} and escaped tabs arrive as
     * text (found by {@code ProjectionWriterLoadDataIT}). A hex literal, so that the mode does not change the
     * statement either.
     */
    static final String ESCAPED_BY_BACKSLASH = "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C'";

    /**
     * Ledger rows from a client file ({@link LoadDataSink}): tab-separated, backslash escapes, {@code \N} for
     * NULL, one row per line, UTF-8 — the statement's defaults, the field terminator and the escape stated in hex
     * ({@link #ESCAPED_BY_BACKSLASH}). {@code LOCAL} turns errors into warnings (the
     * server cannot stop the client mid-file); the caller checks the row count and the warnings.
     */
    public static String loadUsageRecords(String file) {
        return "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE usage_records CHARACTER SET utf8mb4 "
                + ESCAPED_BY_BACKSLASH + " ("
                + USAGE_RECORD_COLUMNS + ")";
    }

    /**
     * Claims event ids from a client file, as {@link #INSERT_EVENT_IDS} does: an id already claimed keeps its
     * row ({@code IGNORE}); the affected-row count is the number this attempt claimed.
     */
    public static String loadEventIds(String file) {
        return "LOAD DATA LOCAL INFILE '" + file + "' IGNORE INTO TABLE ledger_event_ids CHARACTER SET utf8mb4 "
                + ESCAPED_BY_BACKSLASH + " (event_kind, event_id, occurred_at, batch_token)";
    }

    /**
     * A folded stats table as the sinks write it: its columns in file order (key first, then the measures the
     * upsert adds), and the per-connection staging table {@link LoadDataSink} loads the file into. Declared in the
     * order every sink writes the tables, so concurrent transactions take their locks in the same order. A rollup's
     * key is its subject alone ({@link StatsKey#rollup}).
     */
    public enum StatsTable {
        USAGE("usage_stats", "api_key_id", false, true, false),
        COST("cost_stats", "api_key_id", false, false, true),
        ACCOUNT_USAGE("account_usage_stats", "account_id", false, true, true),
        KEY_ROLLUP("key_stats", "api_key_id", true, true, true),
        MODEL_ROLLUP("model_stats", "model", true, true, true);

        final String table;
        final boolean rollup;
        final boolean tokens;
        final boolean cost;
        final String staging;
        private final String subjectColumn;
        private final String key;
        private final List<String> measures;

        StatsTable(String table, String subjectColumn, boolean rollup, boolean tokens, boolean cost) {
            this.table = table;
            this.rollup = rollup;
            this.tokens = tokens;
            this.cost = cost;
            this.staging = "tmp_load_" + table;
            this.subjectColumn = subjectColumn;
            this.key = "granularity, bucket_start, " + subjectColumn + (rollup ? "" : ", model");
            List<String> m = new ArrayList<>();
            if (tokens) {
                m.addAll(STATS_TOKEN_COLUMNS);
            }
            if (cost) {
                m.addAll(STATS_COST_COLUMNS);
            }
            this.measures = List.copyOf(m);
        }

        /** The table's name. */
        public String table() {
            return table;
        }

        /** The key's third column: {@code api_key_id}, {@code account_id}, or {@code model} (a rollup per model). */
        String subjectColumn() {
            return subjectColumn;
        }

        /** The measure columns, in the upserts' order. */
        List<String> measures() {
            return measures;
        }

        /** This table's rows of a fold, in primary-key order. */
        public List<Map.Entry<StatsKey, Measures>> rows(FoldedBatch folded) {
            return switch (this) {
                case USAGE -> folded.usageStats();
                case COST -> folded.costStats();
                case ACCOUNT_USAGE -> folded.accountStats();
                case KEY_ROLLUP -> folded.keyStats();
                case MODEL_ROLLUP -> folded.modelStats();
            };
        }

        /**
         * The batched upsert of this table's rows (the path without {@code LOAD DATA}): each measure added to the
         * stored one; parameters in column order, bound by {@link LedgerRows#bindStatsRow}.
         */
        public String upsert() {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (").append(columns())
                    .append(") VALUES (").append("?, ".repeat(columnCount() - 1)).append("?) ON DUPLICATE KEY UPDATE ");
            for (int i = 0; i < measures.size(); i++) {
                String m = measures.get(i);
                sql.append(i == 0 ? "" : ", ").append(m).append(" = ").append(m).append(" + VALUES(").append(m)
                        .append(')');
            }
            return sql.toString();
        }

        private int columnCount() {
            return key.split(", ").length + measures.size();
        }

        private String columns() {
            return key + ", " + String.join(", ", measures);
        }

        /**
         * The staging table, created on the connection's first use: {@code TEMPORARY} (private to the session, no
         * implicit commit), {@code MEMORY} (measured: InnoDB's undo and row work for the staged rows cost the server
         * more than parsing the batched upsert, docs/performance.md), with the stats table's column types.
         * A {@code MEMORY} table is bounded by {@code max_heap_table_size} (16 MB by default) and not transactional:
         * it is loaded {@link LoadDataSink#STAGING_CHUNK} rows at a time and emptied before each load.
         */
        String createStaging() {
            return "CREATE TEMPORARY TABLE IF NOT EXISTS " + staging + " ENGINE = MEMORY SELECT " + columns()
                    + " FROM " + table + " LIMIT 0";
        }

        /** Empties the staging table before each load; not {@code TRUNCATE}, which commits on MySQL. */
        String emptyStaging() {
            return "DELETE FROM " + staging;
        }

        /** Stats rows from a client file into the staging table, in the format of {@link #loadUsageRecords}. */
        String loadStaging(String file) {
            return "LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE " + staging + " CHARACTER SET utf8mb4 "
                    + ESCAPED_BY_BACKSLASH + " (" + columns() + ")";
        }

        /**
         * The staged rows added to the stats table, as the batched upsert adds them, in primary-key order: the
         * same locks in the same order (binary collations: the server's order is {@code StatsKey.ORDER}). The
         * target's columns are qualified, since the staging table's carry the same names.
         */
        String upsertFromStaging() {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (").append(columns())
                    .append(") SELECT ").append(columns()).append(" FROM ").append(staging).append(" ORDER BY ")
                    .append(key).append(" ON DUPLICATE KEY UPDATE ");
            for (int i = 0; i < measures.size(); i++) {
                String m = measures.get(i);
                sql.append(i == 0 ? "" : ", ").append(table).append('.').append(m).append(" = ").append(table)
                        .append('.').append(m).append(" + VALUES(").append(m).append(')');
            }
            return sql.toString();
        }
    }

    /**
     * The counted versions of ids claimed before (a resend, or a repeat of an earlier poll of the same transaction),
     * each located by its claim's {@code occurred_at}; {@code FOR UPDATE} locks claims and ledger rows in id order
     * (a gathered transaction's snapshot predates other consumers' commits: a locking read sees the latest). An id
     * whose ledger row no longer exists is not returned. {@code n} ids follow the kind.
     */
    public static String selectCountedUsage(int n) {
        return "SELECT " + qualified("r.", USAGE_RECORD_COLUMNS) + " FROM ledger_event_ids c JOIN usage_records r "
                + "ON r.occurred_at = c.occurred_at AND r.request_id = c.event_id "
                + "WHERE c.event_kind = ? AND c.event_id IN (" + "?,".repeat(n - 1) + "?) ORDER BY c.event_id FOR UPDATE";
    }

    /** As {@link #selectCountedUsage}, for cost adjustments, in {@link #INSERT_COST_ADJUSTMENT}'s column order. */
    public static String selectCountedAdjustments(int n) {
        return "SELECT " + qualified("r.", COST_ADJUSTMENT_COLUMNS) + " FROM ledger_event_ids c JOIN cost_adjustments r "
                + "ON r.occurred_at = c.occurred_at AND r.adjustment_id = c.event_id "
                + "WHERE c.event_kind = ? AND c.event_id IN (" + "?,".repeat(n - 1) + "?) ORDER BY c.event_id FOR UPDATE";
    }

    private static String qualified(String alias, String columns) {
        StringBuilder sql = new StringBuilder();
        for (String column : columns.split(",")) {
            sql.append(sql.isEmpty() ? "" : ", ").append(alias).append(column.strip());
        }
        return sql.toString();
    }

    /** A counted ledger row replaced by an earlier-accepted version (locked by the select before). */
    public static final String DELETE_USAGE_RECORD = "DELETE FROM usage_records WHERE occurred_at = ? AND request_id = ?";

    public static final String DELETE_COST_ADJUSTMENT =
            "DELETE FROM cost_adjustments WHERE adjustment_id = ? AND occurred_at = ?";

    /** The claim of a replaced version follows the version that counts: its {@code occurred_at} locates the row. */
    public static final String UPDATE_CLAIM = """
            UPDATE ledger_event_ids SET occurred_at = ? WHERE event_kind = ? AND event_id = ?""";

    /** One resend conflict ({@link ResendConflict}); the versions are the events' wire JSON. */
    public static final String INSERT_CONFLICT = """
            INSERT INTO ledger_conflicts (event_kind, event_id, differing_fields, counted_version, resent_version, \
            counted_api_key_id, resent_api_key_id, swapped, topic, partition_id, partition_offset, seen_at) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    static final String COST_ADJUSTMENT_COLUMNS = """
            adjustment_id, occurred_at, api_key_id, account_id, model, \
            real_cost_usd, rated_cost_usd, reason, requested_by, received_at, request_id""";

    public static final String INSERT_COST_ADJUSTMENT = """
            INSERT INTO cost_adjustments (adjustment_id, occurred_at, api_key_id, account_id, model, \
            real_cost_usd, rated_cost_usd, reason, requested_by, received_at, request_id) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** Registers a partition on first assignment: nothing stored yet, epoch 0 (bumped right after). */
    public static final String INSERT_OFFSET_IF_ABSENT = """
            INSERT IGNORE INTO consumer_offsets (consumer_group, topic, partition_id, next_offset, epoch, updated_at) \
            VALUES (?, ?, ?, -1, 0, ?)""";

    /**
     * A new owner of the partition fences every earlier one by bumping the epoch. {@code updated_at} stays: it is when
     * a projecting transaction last committed this partition's offset (stats-api's {@code projectedAt}).
     */
    public static final String BUMP_EPOCH = """
            UPDATE consumer_offsets SET epoch = epoch + 1 \
            WHERE consumer_group = ? AND topic = ? AND partition_id = ?""";

    public static final String SELECT_OFFSET = """
            SELECT next_offset, epoch FROM consumer_offsets \
            WHERE consumer_group = ? AND topic = ? AND partition_id = ?""";

    /**
     * Stores the next offset, only while the epoch is the one this consumer claimed (0 rows: fenced).
     * Never moves it backwards: a batch re-read from before the stored offset is deduplicated and
     * leaves the offset where it was.
     */
    public static final String ADVANCE_OFFSET = """
            UPDATE consumer_offsets SET next_offset = GREATEST(next_offset, ?), updated_at = ? \
            WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND epoch = ?""";
}
