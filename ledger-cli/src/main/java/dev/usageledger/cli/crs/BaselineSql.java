package dev.usageledger.cli.crs;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL text of the baseline tables of V9 ({@code crs_imports}, {@code crs_usage}, {@code crs_account_usage},
 * {@code crs_totals}): upserts that leave an identical row untouched (so a re-run changes nothing and says so), the
 * residual rows of usage without model detail, removal, and the verification report's reads. MySQL 8 and MariaDB.
 */
final class BaselineSql {

    static final List<String> MEASURES = List.of("requests", "input_tokens", "output_tokens", "cache_create_tokens",
            "cache_read_tokens", "ephemeral_5m_tokens", "ephemeral_1h_tokens");
    static final List<String> COSTS = List.of("real_cost_usd", "rated_cost_usd");

    static final String KEY_USAGE = "crs_usage";
    static final String ACCOUNT_USAGE = "crs_account_usage";
    static final String TOTALS = "crs_totals";
    /** Every baseline table, the import record last (removal deletes in this order). */
    static final List<String> TABLES = List.of(KEY_USAGE, ACCOUNT_USAGE, TOTALS, "crs_imports");

    static final List<String> KEY_USAGE_KEY = List.of("import_id", "granularity", "bucket_start", "api_key_id", "model");
    static final List<String> ACCOUNT_USAGE_KEY =
            List.of("import_id", "granularity", "bucket_start", "account_id", "model");
    static final List<String> TOTALS_KEY =
            List.of("import_id", "subject_kind", "granularity", "bucket_start", "subject_id");

    static final String FIND_IMPORT =
            "SELECT source_uri, key_prefix, utc_offset_minutes, cutoff FROM crs_imports WHERE import_id = ?";

    static final String OTHER_IMPORTS = "SELECT import_id FROM crs_imports WHERE import_id <> ? ORDER BY import_id";

    static final String START_IMPORT = """
            INSERT INTO crs_imports (import_id, source_uri, key_prefix, utc_offset_minutes, cutoff, first_started_at,
                                     last_started_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE last_started_at = VALUES(last_started_at), last_finished_at = NULL""";

    static final String FINISH_IMPORT = """
            UPDATE crs_imports SET last_finished_at = ?, keys_scanned = ?, rows_changed = ? WHERE import_id = ?""";

    static final String COUNT_ROWS = "SELECT COUNT(*) FROM %s WHERE import_id = ?";

    static final String DELETE_SOME = "DELETE FROM %s WHERE import_id = ? LIMIT 10000";

    private BaselineSql() {}

    /**
     * {@code INSERT ... VALUES (...) x rows ON DUPLICATE KEY UPDATE} of {@code values} only: a row already holding the
     * same values is not changed (0 affected rows).
     */
    static String upsert(String table, List<String> key, List<String> values, int rows) {
        String columns = String.join(", ", key) + ", " + String.join(", ", values);
        String row = "(" + String.join(", ", Collections.nCopies(key.size() + values.size(), "?")) + ")";
        return "INSERT INTO " + table + " (" + columns + ") VALUES " + String.join(", ", Collections.nCopies(rows, row))
                + " ON DUPLICATE KEY UPDATE " + values.stream().map(c -> c + " = VALUES(" + c + ")")
                .collect(Collectors.joining(", "));
    }

    /**
     * The rows {@code model = ''} of one import: per subject and bucket, what CRS's own total ({@code crs_totals})
     * counts beyond the sum of its model rows, cost unknown; no row where nothing is left. Parameters: import id
     * (twice).
     */
    static String residual(String table, String subjectColumn, String kind, boolean withCost) {
        String measures = String.join(", ", MEASURES);
        String left = MEASURES.stream()
                .map(c -> "GREATEST(t." + c + " - COALESCE(m." + c + ", 0), 0) AS " + c)
                .collect(Collectors.joining(", "));
        String sums = MEASURES.stream().map(c -> "SUM(" + c + ") AS " + c).collect(Collectors.joining(", "));
        String anyLeft = MEASURES.stream().map(c -> "r." + c + " > 0").collect(Collectors.joining(" OR "));
        String costs = withCost ? ", real_cost_usd, rated_cost_usd" : "";
        String nullCosts = withCost ? ", NULL, NULL" : "";
        return "INSERT INTO " + table + " (import_id, granularity, bucket_start, " + subjectColumn + ", model, "
                + measures + costs + ")\n"
                + "SELECT r.import_id, r.granularity, r.bucket_start, r.subject_id, '', " + MEASURES.stream()
                .map(c -> "r." + c).collect(Collectors.joining(", ")) + nullCosts + "\n"
                + "FROM (SELECT t.import_id, t.granularity, t.bucket_start, t.subject_id, " + left + "\n"
                + "      FROM crs_totals t\n"
                + "      LEFT JOIN (SELECT granularity, bucket_start, " + subjectColumn + ", " + sums + "\n"
                + "                 FROM " + table + " WHERE import_id = ? AND model <> ''\n"
                + "                 GROUP BY granularity, bucket_start, " + subjectColumn + ") m\n"
                + "        ON m.granularity = t.granularity AND m.bucket_start = t.bucket_start\n"
                + "       AND m." + subjectColumn + " = t.subject_id\n"
                + "      WHERE t.import_id = ? AND t.subject_kind = '" + kind + "' AND t.requests IS NOT NULL) r\n"
                + "WHERE " + anyLeft + "\n"
                + "ON DUPLICATE KEY UPDATE " + MEASURES.stream().map(c -> c + " = VALUES(" + c + ")")
                .collect(Collectors.joining(", "));
    }

    /**
     * The baseline summed per subject and bucket of one granularity (both subject kinds), with the requests whose
     * cost is unknown; columns {@code kind, subject_id, bucket_start}, the measures, the costs,
     * {@code legacy_requests}, {@code no_detail_requests}. Parameters: import id, granularity (twice: keys, then accounts).
     */
    static String baselineSums(String bucketExpression) {
        String sums = MEASURES.stream().map(c -> "SUM(" + c + ") AS " + c).collect(Collectors.joining(", "));
        return "SELECT 'key' AS kind, api_key_id AS subject_id, " + bucketExpression + " AS bucket_start, " + sums
                + ", SUM(real_cost_usd) AS real_cost_usd, SUM(rated_cost_usd) AS rated_cost_usd,"
                + " SUM(CASE WHEN model <> '' AND rated_cost_usd IS NULL THEN requests ELSE 0 END) AS legacy_requests,"
                + " SUM(CASE WHEN model = '' THEN requests ELSE 0 END) AS no_detail_requests"
                + " FROM crs_usage WHERE import_id = ? AND granularity = ? GROUP BY 1, 2, 3"
                + " UNION ALL SELECT 'account', account_id, " + bucketExpression + ", " + sums
                + ", NULL, NULL, 0, SUM(CASE WHEN model = '' THEN requests ELSE 0 END) FROM crs_account_usage WHERE import_id = ? AND granularity = ? GROUP BY 1, 2, 3";
    }

    /**
     * CRS's totals of one granularity next to the baseline's sums of {@code sums} (a {@link #baselineSums} query),
     * ordered by subject and bucket: {@code kind, subject_id, bucket_start}, CRS's measures and costs (prefix
     * {@code c_}), the baseline's (prefix {@code b_}), {@code legacy_requests} (in model rows without cost) and
     * {@code no_detail_requests} (in the rows {@code model = ''}). Parameters: those of
     * {@code sums}, then import id and the totals' granularity.
     */
    static String totalsAgainst(String sums) {
        String crs = MEASURES.stream().map(c -> "t." + c + " AS c_" + c).collect(Collectors.joining(", "));
        String base = MEASURES.stream().map(c -> "b." + c + " AS b_" + c).collect(Collectors.joining(", "));
        return "SELECT t.subject_kind AS kind, t.subject_id, t.bucket_start, " + crs
                + ", t.real_cost_usd AS c_real_cost_usd, t.rated_cost_usd AS c_rated_cost_usd, " + base
                + ", b.real_cost_usd AS b_real_cost_usd, b.rated_cost_usd AS b_rated_cost_usd,"
                + " b.legacy_requests, b.no_detail_requests"
                + " FROM crs_totals t LEFT JOIN (" + sums + ") b ON b.kind = t.subject_kind"
                + " AND b.subject_id = t.subject_id AND b.bucket_start = t.bucket_start"
                + " WHERE t.import_id = ? AND t.granularity = ?"
                + " ORDER BY t.subject_kind, t.subject_id, t.bucket_start";
    }

    /**
     * The baseline's sums of {@code sums} whose bucket has no CRS total because it ends after the cutoff:
     * {@code kind, subject_id, bucket_start} and the measures. Parameters: those of {@code sums}, import id,
     * granularity, the first bucket start that ends after the cutoff.
     */
    static String pastCutoff(String sums) {
        return "SELECT b.* FROM (" + sums + ") b WHERE b.bucket_start >= ? AND NOT EXISTS (SELECT 1 FROM crs_totals t"
                + " WHERE t.import_id = ? AND t.granularity = ? AND t.subject_kind = b.kind"
                + " AND t.subject_id = b.subject_id AND t.bucket_start = b.bucket_start)"
                + " ORDER BY b.kind, b.subject_id, b.bucket_start";
    }

    /** The start of the day (in the import's offset, {@code ?} minutes) of {@code bucket_start}. Parameters: 2. */
    static final String DAY_OF_BUCKET = "DATE_SUB(TIMESTAMP(DATE(DATE_ADD(bucket_start, INTERVAL ? MINUTE))),"
            + " INTERVAL ? MINUTE)";
    /** The start of the month (in the import's offset) of {@code bucket_start}. Parameters: 2. */
    static final String MONTH_OF_BUCKET = "DATE_SUB(TIMESTAMP(DATE_FORMAT(DATE_ADD(bucket_start, INTERVAL ? MINUTE),"
            + " '%Y-%m-01')), INTERVAL ? MINUTE)";

    /**
     * Live events of keys the import holds, counted before the import's cutoff: possible overlaps. Parameters: cutoff,
     * import id.
     */
    static final String LIVE_BEFORE_CUTOFF = """
            SELECT r.api_key_id, COUNT(*) AS requests, MIN(r.occurred_at) AS first_at, MAX(r.occurred_at) AS last_at
            FROM usage_records r
            WHERE r.occurred_at < ?
              AND EXISTS (SELECT 1 FROM crs_usage u WHERE u.granularity IN ('hour', 'day', 'month')
                          AND u.api_key_id = r.api_key_id AND u.import_id = ?)
            GROUP BY r.api_key_id ORDER BY r.api_key_id""";
}
