package dev.usageledger.statsapi.read;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * All SQL of stats-api: read-only, on the tables of CONTRACT §3 and the rollups. Runs on MySQL 8.0+ and MariaDB
 * 10.11+ alike. Every sum query selects the ten measures in {@link Measures#NAMES} order (0 for a measure the table does not hold), so
 * one reader adds any of them.
 */
public final class ReadSql {

    private ReadSql() {}

    private static final String USAGE_SUMS = "SUM(requests), SUM(input_tokens), SUM(output_tokens), "
            + "SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens)";
    private static final String LEDGER_USAGE_SUMS = "COUNT(*), SUM(input_tokens), SUM(output_tokens), "
            + "SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens)";
    private static final String NO_USAGE = "0, 0, 0, 0, 0, 0, 0";
    private static final String COST_SUMS = "SUM(real_cost_usd), SUM(rated_cost_usd)";
    private static final String NO_COST = "0, 0";
    private static final String UNPRICED_SUM = "SUM(unpriced_requests)";
    private static final String LEDGER_UNPRICED_SUM = "SUM(pricing_source = 'unpriced')";
    private static final String ALL_SUMS = USAGE_SUMS + ", " + COST_SUMS + ", " + UNPRICED_SUM;

    /** A table read for sums: stored stats rows (with a {@code bucket_start}) or ledger rows. */
    enum Table {
        USAGE_STATS("usage_stats", USAGE_SUMS + ", " + NO_COST + ", " + UNPRICED_SUM, true),
        COST_STATS("cost_stats", NO_USAGE + ", " + COST_SUMS + ", 0", true),
        ACCOUNT_USAGE_STATS("account_usage_stats", ALL_SUMS, true),
        KEY_STATS("key_stats", ALL_SUMS, true),
        MODEL_STATS("model_stats", ALL_SUMS, true),
        USAGE_RECORDS("usage_records", LEDGER_USAGE_SUMS + ", " + COST_SUMS + ", " + LEDGER_UNPRICED_SUM, false),
        COST_ADJUSTMENTS("cost_adjustments", NO_USAGE + ", " + COST_SUMS + ", 0", false),
        /** The baseline imported from CRS per key and model (V9); a NULL cost is unknown: added as 0, and counted. */
        CRS_USAGE("crs_usage", USAGE_SUMS + ", " + COST_SUMS + ", 0",
                "SUM(CASE WHEN real_cost_usd IS NULL OR rated_cost_usd IS NULL THEN requests ELSE 0 END)"),
        /** The baseline per account and model: CRS stores no account cost, so every request's cost is unknown. */
        CRS_ACCOUNT_USAGE("crs_account_usage", USAGE_SUMS + ", " + NO_COST + ", 0", "SUM(requests)");

        final String name;
        final String sums;
        /** {@link #sums}, one expression per measure. */
        final String[] sumList;
        final boolean stored;
        /**
         * For a baseline table (rows of one import, {@code import_id}), the sum of the requests whose cost is unknown;
         * null for the ledger's own tables.
         */
        final String costUnknownSum;

        Table(String name, String sums, boolean stored) {
            this(name, sums, stored, null);
        }

        Table(String name, String sums, String costUnknownSum) {
            this(name, sums, true, costUnknownSum);
        }

        private Table(String name, String sums, boolean stored, String costUnknownSum) {
            this.name = name;
            this.sums = sums;
            this.sumList = sums.split(", ");
            this.stored = stored;
            this.costUnknownSum = costUnknownSum;
        }

        /** Rows of imports ({@code import_id = ?} before the granularity). */
        boolean imported() {
            return costUnknownSum != null;
        }

        /** The rows of one granularity (and import): {@code [import_id = ? AND ]granularity = ?}. */
        private String granularityCondition() {
            return (imported() ? "import_id = ? AND " : "") + "granularity = ?";
        }
    }

    /**
     * The tables a request reads: the key projection ({@code usage_stats}, {@code cost_stats}: costs with
     * adjustments), the account projection ({@code account_usage_stats}) or a rollup of the key projection over
     * models ({@code key_stats}) or over keys ({@code model_stats}), and the ledger tables that hold the same rows for
     * the pieces no stored bucket covers.
     */
    enum Projection {
        KEY(List.of(Table.USAGE_STATS, Table.COST_STATS), "", Table.CRS_USAGE),
        ACCOUNT(List.of(Table.ACCOUNT_USAGE_STATS), " AND account_id IS NOT NULL", Table.CRS_ACCOUNT_USAGE),
        KEY_ROLLUP(List.of(Table.KEY_STATS), "", Table.CRS_USAGE),
        MODEL_ROLLUP(List.of(Table.MODEL_STATS), "", Table.CRS_USAGE);

        final List<Table> stored;
        /** Ledger rows the projection holds: the account projection only those that name an account. */
        final String ledgerCondition;
        /**
         * The baseline imported from CRS that holds the same grouping and filters: per key and model, or per account
         * and model (without rollups: the baseline is small next to the ledger).
         */
        final Table baseline;

        Projection(List<Table> stored, String ledgerCondition, Table baseline) {
            this.stored = stored;
            this.ledgerCondition = ledgerCondition;
            this.baseline = baseline;
        }

        static final List<Table> LEDGER = List.of(Table.USAGE_RECORDS, Table.COST_ADJUSTMENTS);

        /**
         * The projection that holds a grouping and filters with the fewest rows: an account filter or grouping reads
         * the account projection; without a key filter, all traffic or a model reads the model rollup; without a
         * model filter or grouping, keys (a top list, or one key's series through its key index) read the key
         * rollup; a key and a model together the key projection, through its key index.
         */
        static Projection of(Dimension groupBy, Filters filters) {
            if (filters.needsAccountProjection(groupBy)) {
                return ACCOUNT;
            }
            if (filters.apiKeyId() == null && groupBy != Dimension.API_KEY_ID) {
                return MODEL_ROLLUP;
            }
            if (filters.model() == null && groupBy != Dimension.MODEL) {
                return KEY_ROLLUP;
            }
            return KEY;
        }
    }

    /**
     * Sums of stored rows of one granularity whose {@code bucket_start} is in one of {@code ranges} half-open ranges,
     * per bucket and group: columns {@code bucket_start}, group (NULL without grouping), the ten sums, and for a
     * baseline table the requests of unknown cost. Parameters: the import (baseline tables), granularity, then each
     * range's start and end, then the filters.
     */
    static String storedSums(Table table, Dimension groupBy, Filters filters, int ranges) {
        String group = groupBy.column() == null ? "NULL" : groupBy.column();
        StringBuilder sql = new StringBuilder("SELECT bucket_start, ").append(group).append(", ").append(table.sums)
                .append(table.imported() ? ", " + table.costUnknownSum : "")
                .append(" FROM ").append(table.name).append(" WHERE ").append(table.granularityCondition())
                .append(" AND (");
        for (int i = 0; i < ranges; i++) {
            sql.append(i == 0 ? "" : " OR ").append("(bucket_start >= ? AND bucket_start < ?)");
        }
        sql.append(')').append(filters.conditions()).append(" GROUP BY bucket_start");
        if (groupBy.column() != null) {
            sql.append(", ").append(group);
        }
        return sql.toString();
    }

    /**
     * Sums of ledger rows per piece and group, one {@code SELECT} per piece joined with {@code UNION ALL}: columns
     * piece number (from {@code firstPiece}), group, the ten sums; a piece without rows may answer one row of NULL
     * sums. Parameters per piece: its start and end, then the filters.
     */
    static String ledgerSums(Table table, Projection projection, Dimension groupBy, Filters filters, int firstPiece,
            int pieces) {
        String group = groupBy.column() == null ? "NULL" : groupBy.column();
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(firstPiece + i).append(", ")
                    .append(group).append(", ").append(table.sums).append(" FROM ").append(table.name)
                    .append(" WHERE occurred_at >= ? AND occurred_at < ?").append(projection.ledgerCondition)
                    .append(filters.conditions());
            if (groupBy.column() != null) {
                sql.append(" GROUP BY ").append(group);
            }
        }
        return sql.toString();
    }

    /**
     * Stored rows of one table and granularity (and import, for a baseline table) that a top list reads: {@code ranges}
     * half-open bucket ranges.
     */
    record StoredPart(Table table, int ranges) {}

    /**
     * The {@code limit} groups of {@code dimension} largest by {@code ranking} over one span, summed and ranked by the
     * server, so the app holds no more than the answer however many groups there are: the stored parts and the ledger
     * pieces, each summed per group, joined with {@code UNION ALL}, then summed per group; a group whose every sum is
     * zero is left out (CONTRACT §3); ties in group order. With {@code onlyGroups} > 0 only that many given groups
     * are read, each through its group's index. Columns: group, the ten sums. Parameters: per stored part its import
     * (baseline tables), granularity, each range's start and end, then the groups; per ledger table of {@link Projection#LEDGER} and
     * piece, its start and end, then the groups; then the limit.
     */
    static String top(List<StoredPart> stored, Projection projection, Dimension dimension, int ledgerPieces,
            Ranking ranking, int onlyGroups) {
        List<String> parts = topParts(stored, projection, dimension, ledgerPieces, onlyGroups, ReadSql::aliased);
        StringBuilder sums = new StringBuilder();
        StringBuilder nonZero = new StringBuilder();
        for (int i = 0; i < Measures.NAMES.size(); i++) {
            sums.append(", SUM(m").append(i).append(')');
            nonZero.append(i == 0 ? "" : " OR ").append("SUM(m").append(i).append(") <> 0");
        }
        return "SELECT grp" + sums + " FROM (" + String.join(" UNION ALL ", parts) + ") AS parts GROUP BY grp HAVING "
                + nonZero + " ORDER BY " + ranking.overSums() + " DESC, grp LIMIT ?";
    }

    /**
     * The first step of a top list over many groups: the {@code limit} groups whose ranked value is largest and above
     * zero, in the order of {@link #top}, summing only the ranked measures; {@link #top} then sums every measure of
     * those groups alone. When fewer groups than the limit rank above zero, groups ranked zero or below (costs
     * lowered by adjustments, groups with no cost) may belong to the answer: then {@link #top} over every group
     * answers. Columns: group. Parameters as {@link #top} without groups.
     */
    static String topRanks(List<StoredPart> stored, Projection projection, Dimension dimension, int ledgerPieces,
            Ranking ranking) {
        List<String> parts = topParts(stored, projection, dimension, ledgerPieces, 0,
                table -> ranking.over(table.sumList) + " AS m0");
        return "SELECT grp FROM (" + String.join(" UNION ALL ", parts) + ") AS parts GROUP BY grp HAVING SUM(m0) > 0"
                + " ORDER BY SUM(m0) DESC, grp LIMIT ?";
    }

    private static List<String> topParts(List<StoredPart> stored, Projection projection, Dimension dimension,
            int ledgerPieces, int onlyGroups, Function<Table, String> columns) {
        String group = dimension.column();
        String only = onlyGroups == 0 ? "" : " AND " + group + " IN (" + "?, ".repeat(onlyGroups - 1) + "?)";
        List<String> parts = new ArrayList<>();
        for (StoredPart part : stored) {
            StringBuilder sql = new StringBuilder("SELECT ").append(group).append(" AS grp, ")
                    .append(columns.apply(part.table())).append(" FROM ").append(part.table().name)
                    .append(" WHERE ").append(part.table().granularityCondition()).append(" AND (");
            for (int i = 0; i < part.ranges(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("(bucket_start >= ? AND bucket_start < ?)");
            }
            parts.add(sql.append(')').append(only).append(" GROUP BY ").append(group).toString());
        }
        for (Table table : Projection.LEDGER) {
            for (int i = 0; i < ledgerPieces; i++) {
                parts.add("SELECT " + group + " AS grp, " + columns.apply(table) + " FROM " + table.name
                        + " WHERE occurred_at >= ? AND occurred_at < ?" + projection.ledgerCondition + only
                        + " GROUP BY " + group);
            }
        }
        return parts;
    }

    /** A table's ten sum expressions named {@code m0 … m9}. */
    private static String aliased(Table table) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < table.sumList.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(table.sumList[i]).append(" AS m").append(i);
        }
        return sql.toString();
    }

    /**
     * A stored row of one table and granularity that starts inside one of {@code buckets} buckets but after its start
     * (a row folded in another reporting zone), if any: an open range per bucket, so the server probes the key's
     * prefix once per bucket instead of reading the buckets' rows. Parameters: granularity, then each bucket's start
     * and end.
     */
    static String strayBucketStart(Table table, int buckets) {
        StringBuilder sql = new StringBuilder("SELECT bucket_start FROM ").append(table.name)
                .append(" WHERE granularity = ? AND (");
        for (int i = 0; i < buckets; i++) {
            sql.append(i == 0 ? "" : " OR ").append("(bucket_start > ? AND bucket_start < ?)");
        }
        return sql.append(") LIMIT 1").toString();
    }

    /**
     * Every import of a CRS baseline (V9), which a reader adds: read in each answer's snapshot, one short statement
     * over a table of one row per import (none where nothing was imported).
     */
    static final String CRS_IMPORTS = "SELECT import_id, utc_offset_minutes, cutoff FROM crs_imports ORDER BY import_id";

    /** The columns of a ledger record, in the order of {@link LedgerRecord}'s fields. */
    static final String LEDGER_COLUMNS = "request_id, occurred_at, api_key_id, account_id, account_type, model, "
            + "input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, "
            + "ephemeral_1h_tokens, real_cost_usd, rated_cost_usd, pricing_source, pricing_version";

    /**
     * Ledger records of {@code [from, to)} in (occurred_at, request_id) order, after a cursor position when
     * {@code afterCursor}: a keyset walk on the ledger's primary key (or the key index with a key filter), as
     * fast deep in the range as at its start. Parameters: from, to, the filters, then (when after a cursor) the
     * cursor's time twice and its request id; then the limit when {@code limited}.
     */
    static String ledgerPage(Filters filters, boolean afterCursor, boolean limited) {
        return "SELECT " + LEDGER_COLUMNS + " FROM usage_records WHERE occurred_at >= ? AND occurred_at < ?"
                + filters.conditions()
                + (afterCursor ? " AND (occurred_at > ? OR (occurred_at = ? AND request_id > ?))" : "")
                + " ORDER BY occurred_at, request_id" + (limited ? " LIMIT ?" : "");
    }

    /**
     * When the projection last committed: every projecting transaction stores its offsets with {@code updated_at}
     * (ProjectionSql.ADVANCE_OFFSET), which a claim leaves alone; a partition registered but never committed
     * ({@code next_offset} -1) does not count. NULL before the first commit.
     */
    static final String PROJECTED_AT = "SELECT MAX(updated_at) FROM consumer_offsets WHERE next_offset >= 0";

    // ---- Claude Relay Service–compatible reads (CONTRACT §6) ---------------------------------------

    /** The ledger columns a CRS usage record shows beyond {@link #LEDGER_COLUMNS}, in {@link KeyRecord}'s order. */
    private static final String KEY_RECORD_COLUMNS = LEDGER_COLUMNS + ", long_context, duration_ms, input_cost_usd, "
            + "output_cost_usd, cache_write_5m_cost_usd, cache_write_1h_cost_usd, cache_read_cost_usd";

    private static final String KEY_RANGE = " FROM usage_records WHERE api_key_id = ? AND occurred_at >= ? AND "
            + "occurred_at < ?";

    /**
     * One key's ledger rows of a range summed per (model, account, account type), with their first and last
     * instant: the summary and the filter options of a CRS usage-records page, through the key index. Parameters:
     * key, from, to, then the model and account filters.
     */
    static String keyRecordGroups(Filters filters) {
        return "SELECT model, account_id, account_type, COUNT(*), SUM(input_tokens), SUM(output_tokens), "
                + "SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(rated_cost_usd), MIN(occurred_at), "
                + "MAX(occurred_at)" + KEY_RANGE + filters.conditions() + " GROUP BY model, account_id, account_type";
    }

    /**
     * A page of one key's ledger rows, newest or oldest first, by offset (CRS pages by number; the offset is bounded
     * by the caller). Parameters: key, from, to, the model and account filters, limit, offset.
     */
    static String keyRecordPage(Filters filters, boolean newestFirst) {
        String direction = newestFirst ? " DESC" : "";
        return "SELECT " + KEY_RECORD_COLUMNS + KEY_RANGE + filters.conditions() + " ORDER BY occurred_at" + direction
                + ", request_id" + direction + " LIMIT ? OFFSET ?";
    }

    /**
     * The account type of each of {@code accounts} accounts: that of its latest ledger row before a bound, one index
     * probe per account ({@code ix_usage_records_account_time}). Parameters per account: its id, the bound.
     */
    static String latestAccountTypes(int accounts) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < accounts; i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("(SELECT account_id, account_type FROM usage_records "
                    + "WHERE account_id = ? AND occurred_at < ? ORDER BY occurred_at DESC LIMIT 1)");
        }
        return sql.toString();
    }

    // ---- FOCUS export ------------------------------------------------------------------------------

    /**
     * The usage of one stored day row per (key, model) with its cost, in key order: {@code usage_stats} holds usage
     * only; its {@code cost_stats} twin holds the same requests' cost plus the day's adjustments, which the caller
     * subtracts. Every request adds to both rows, so the left join misses no usage cost. Parameter: the day's
     * {@code bucket_start}.
     */
    static final String FOCUS_DAY_USAGE = "SELECT u.api_key_id, u.model, u.requests, u.input_tokens, u.output_tokens, "
            + "u.cache_create_tokens, u.cache_read_tokens, u.ephemeral_5m_tokens, u.ephemeral_1h_tokens, "
            + "c.real_cost_usd, c.rated_cost_usd FROM usage_stats u LEFT JOIN cost_stats c ON c.granularity = "
            + "u.granularity AND c.bucket_start = u.bucket_start AND c.api_key_id = u.api_key_id AND c.model = u.model "
            + "WHERE u.granularity = 'day' AND u.bucket_start = ? AND u.requests <> 0 ORDER BY u.api_key_id, u.model";

    /** The cost adjustments of {@code [from, to)} in time order. Parameters: from, to. */
    static final String FOCUS_ADJUSTMENTS = "SELECT adjustment_id, occurred_at, api_key_id, account_id, model, "
            + "real_cost_usd, rated_cost_usd, reason FROM cost_adjustments WHERE occurred_at >= ? AND occurred_at < ? "
            + "ORDER BY occurred_at, adjustment_id";
}
