package dev.usageledger.projections.mysql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the invariants of CONTRACT §3 against a live database: at every granularity,
 * {@code usage_stats} sums equal {@code usage_records} sums; {@code cost_stats} sums equal
 * {@code usage_records} costs plus {@code cost_adjustments}; {@code account_usage_stats} likewise
 * for the requests and adjustments that name an account. Compared per (subject, model) at each
 * granularity, and per UTC hour bucket as well (hours need no reporting zone to recompute).
 *
 * <p>Read-only; meant for tests and for operators verifying a rebuild. Returns the mismatches in
 * words, empty when everything holds.
 */
public final class LedgerInvariants {

    private static final String[] GRANULARITIES = {"hour", "day", "month"};
    private static final String TOKENS = "COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_create_tokens), "
            + "SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens)";
    private static final String STATS_TOKENS = "SUM(requests), SUM(input_tokens), SUM(output_tokens), "
            + "SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens)";
    private static final String HOUR = "DATE_FORMAT(occurred_at, '%Y-%m-%d %H:00:00')";

    private LedgerInvariants() {}

    public static List<String> check(Connection c) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        Map<String, List<String>> usageByKey = query(c,
                "SELECT api_key_id, model, " + TOKENS + " FROM usage_records GROUP BY api_key_id, model");
        Map<String, List<String>> costByKey = add(
                query(c, "SELECT api_key_id, model, SUM(real_cost_usd), SUM(rated_cost_usd) FROM usage_records "
                        + "GROUP BY api_key_id, model"),
                query(c, "SELECT api_key_id, model, SUM(real_cost_usd), SUM(rated_cost_usd) FROM cost_adjustments "
                        + "GROUP BY api_key_id, model"));
        Map<String, List<String>> accountByKey = add(
                query(c, "SELECT account_id, model, " + TOKENS + ", SUM(real_cost_usd), SUM(rated_cost_usd) "
                        + "FROM usage_records WHERE account_id IS NOT NULL GROUP BY account_id, model"),
                query(c, "SELECT account_id, model, 0, 0, 0, 0, 0, 0, 0, SUM(real_cost_usd), SUM(rated_cost_usd) "
                        + "FROM cost_adjustments WHERE account_id IS NOT NULL GROUP BY account_id, model"));
        for (String g : GRANULARITIES) {
            String where = " WHERE granularity = '" + g + "'";
            compare(mismatches, "usage_stats/" + g, usageByKey, query(c,
                    "SELECT api_key_id, model, " + STATS_TOKENS + " FROM usage_stats" + where + " GROUP BY api_key_id, model"));
            compare(mismatches, "cost_stats/" + g, costByKey, query(c,
                    "SELECT api_key_id, model, SUM(real_cost_usd), SUM(rated_cost_usd) FROM cost_stats" + where
                            + " GROUP BY api_key_id, model"));
            compare(mismatches, "account_usage_stats/" + g, accountByKey, query(c,
                    "SELECT account_id, model, " + STATS_TOKENS + ", SUM(real_cost_usd), SUM(rated_cost_usd) "
                            + "FROM account_usage_stats" + where + " GROUP BY account_id, model"));
        }
        compare(mismatches, "usage_stats/hour buckets",
                query(c, "SELECT CONCAT(" + HOUR + ", ' ', api_key_id), model, " + TOKENS
                        + " FROM usage_records GROUP BY " + HOUR + ", api_key_id, model"),
                query(c, "SELECT CONCAT(DATE_FORMAT(bucket_start, '%Y-%m-%d %H:%i:%s'), ' ', api_key_id), model, "
                        + STATS_TOKENS + " FROM usage_stats WHERE granularity = 'hour' "
                        + "GROUP BY bucket_start, api_key_id, model"));
        return mismatches;
    }

    /** Rows keyed by "subject model", values normalised (decimals stripped of trailing zeros). */
    private static Map<String, List<String>> query(Connection c, String sql) throws SQLException {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>(n - 2);
                for (int i = 3; i <= n; i++) {
                    BigDecimal v = rs.getBigDecimal(i);
                    values.add(v == null ? "0" : v.stripTrailingZeros().toPlainString());
                }
                rows.put(rs.getString(1) + " " + rs.getString(2), values);
            }
        }
        return rows;
    }

    private static Map<String, List<String>> add(Map<String, List<String>> a, Map<String, List<String>> b) {
        Map<String, List<String>> sum = new TreeMap<>(a);
        b.forEach((k, v) -> sum.merge(k, v, (x, y) -> {
            List<String> out = new ArrayList<>(x.size());
            for (int i = 0; i < x.size(); i++) {
                out.add(new BigDecimal(x.get(i)).add(new BigDecimal(y.get(i))).stripTrailingZeros().toPlainString());
            }
            return out;
        }));
        return sum;
    }

    private static void compare(List<String> mismatches, String what, Map<String, List<String>> expected,
            Map<String, List<String>> actual) {
        for (String key : new TreeSet<>(union(expected, actual))) {
            List<String> e = expected.get(key);
            List<String> a = actual.get(key);
            if (!Objects.equals(normalise(e), normalise(a))) {
                mismatches.add(what + " [" + key + "]: ledger " + e + " but projection " + a);
            }
        }
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    /** A row of zeros is the same as no row (a stats row may exist with nothing in it, e.g. cost only). */
    private static List<String> normalise(List<String> values) {
        if (values == null || values.stream().allMatch(v -> new BigDecimal(v).signum() == 0)) {
            return null;
        }
        return values.stream().map(v -> new BigDecimal(v).stripTrailingZeros().toPlainString()).toList();
    }
}
