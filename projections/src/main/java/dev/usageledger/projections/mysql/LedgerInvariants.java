package dev.usageledger.projections.mysql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * CONTRACT §3 invariants, checked against the tables themselves (plain JDBC, no test framework,
 * so it can be copied into any test):
 * <ul>
 *   <li>at every granularity, per (api key, model): {@code usage_stats} sums = {@code usage_records} sums;
 *   <li>at every granularity, per (api key, model): {@code cost_stats} = request costs + {@code cost_adjustments};
 *   <li>at every granularity, per (account, model): {@code account_usage_stats} = the same, for the requests
 *       and adjustments that name an account;
 *   <li>per bucket as well: hours (always UTC hours) and, when the reporting zone has a fixed offset,
 *       days and months;
 *   <li>{@code request_id} and {@code adjustment_id} never appear twice, and each has its idempotency row;
 *   <li>per bucket, the rollups: {@code key_stats} per key and {@code model_stats} per model equal
 *       {@code usage_stats} + {@code cost_stats} summed over models and over keys.
 * </ul>
 * {@link #mismatches} returns one human-readable line per broken invariant; empty means all hold.
 * {@link #inRange} checks the same invariants over a time range, cell by cell ({@link StatsRange}).
 */
public final class LedgerInvariants {

    private static final List<String> GRANULARITIES = List.of("hour", "day", "month");
    private static final List<String> TOKENS = List.of("requests", "unpriced_requests", "input_tokens",
            "output_tokens", "cache_create_tokens", "cache_read_tokens", "ephemeral_5m_tokens", "ephemeral_1h_tokens");
    private static final List<String> COSTS = List.of("real_cost_usd", "rated_cost_usd");
    private static final List<String> ALL = concat(TOKENS, COSTS);
    /** usage_records measures in the order of {@link #ALL}, each the sum of its per-row value in {@link RangeSql}. */
    private static final String RECORD_SUMS = ALL.stream().map(m -> "SUM(" + RangeSql.FROM_USAGE_RECORDS.get(m) + ")")
            .collect(Collectors.joining(", "));
    private static final String STATS_TOKEN_SUMS = sums(TOKENS);
    private static final String COST_SUMS = sums(COSTS);

    private LedgerInvariants() {}

    /** The invariants for the default reporting zone, UTC. */
    public static List<String> mismatches(DataSource dataSource) {
        return mismatches(dataSource, ZoneOffset.UTC);
    }

    public static List<String> mismatches(DataSource dataSource, ZoneId reportingZone) {
        try (Connection c = dataSource.getConnection()) {
            return mismatches(c, reportingZone);
        } catch (SQLException e) {
            throw new IllegalStateException("checking the ledger invariants failed", e);
        }
    }

    /** Throws an {@link AssertionError} listing every mismatch. */
    public static void assertHold(DataSource dataSource, ZoneId reportingZone) {
        List<String> mismatches = mismatches(dataSource, reportingZone);
        if (!mismatches.isEmpty()) {
            throw new AssertionError(mismatches.size() + " ledger invariant(s) broken:\n  "
                    + String.join("\n  ", mismatches));
        }
    }

    /**
     * The invariants over {@code [from, to)}, clipped to whole buckets of the reporting zone per granularity: one line
     * per differing cell (its stored and ledger values) and per ledger row that breaks uniqueness; empty means all
     * hold. Each span is read in one snapshot, so a live projection shows no difference.
     */
    public static List<String> inRange(DataSource dataSource, ZoneId reportingZone, Instant from,
            Instant to) {
        StatsRange range = new StatsRange(dataSource, reportingZone, new TransactionRetry("invariants",
                RetrySettings.DEFAULTS, new SimpleMeterRegistry()));
        List<String> out = new ArrayList<>(range.ledgerProblems(from, to));
        for (var span : range.spans(from, to)) {
            for (CellDifference d : range.check(span).differences()) {
                out.add(describe(d));
            }
        }
        return out;
    }

    /** One line for a differing cell: where it is, each differing measure's stored and ledger values. */
    public static String describe(CellDifference d) {
        StringBuilder line = new StringBuilder(d.table()).append('[').append(d.granularity().sqlName()).append(' ')
                .append(d.bucketStart()).append("Z] [").append(d.subject()).append(", ").append(d.model()).append(']');
        for (String m : d.differingMeasures()) {
            int i = d.measures().indexOf(m);
            line.append(' ').append(m).append(" = ").append(d.stored().get(i).toPlainString()).append(", expected ")
                    .append(d.ledger().get(i).toPlainString());
        }
        return line.toString();
    }

    public static void assertHold(DataSource dataSource) {
        assertHold(dataSource, ZoneOffset.UTC);
    }

    /**
     * The invariants on an open connection when the reporting zone is not known: totals at every
     * granularity and hour buckets (always UTC hours), not day and month buckets.
     */
    public static List<String> check(Connection c) throws SQLException {
        return mismatches(c, null);
    }

    /** {@code reportingZone} may be {@code null} (unknown): then day and month buckets are checked in total only. */
    public static List<String> mismatches(Connection c, ZoneId reportingZone) throws SQLException {
        List<String> out = new ArrayList<>();
        uniqueness(c, out);

        // Totals per (subject, model), at every granularity.
        var records = sums(c, "SELECT api_key_id, model, " + RECORD_SUMS
                + " FROM usage_records GROUP BY api_key_id, model", 2);
        var adjustments = sums(c, "SELECT api_key_id, model, " + COST_SUMS
                + " FROM cost_adjustments GROUP BY api_key_id, model", 2);
        var accountRecords = sums(c, "SELECT account_id, model, " + RECORD_SUMS
                + " FROM usage_records WHERE account_id IS NOT NULL GROUP BY account_id, model", 2);
        var accountAdjustments = sums(c, "SELECT account_id, model, " + COST_SUMS
                + " FROM cost_adjustments WHERE account_id IS NOT NULL GROUP BY account_id, model", 2);
        var expectedUsage = project(records, 0, TOKENS.size());
        var expectedCost = add(project(records, TOKENS.size(), COSTS.size()), adjustments);
        var expectedAccount = add(accountRecords, widen(accountAdjustments, TOKENS.size()));
        for (String g : GRANULARITIES) {
            String where = " WHERE granularity = '" + g + "'";
            compare(out, "usage_stats[" + g + "]", TOKENS, sums(c, "SELECT api_key_id, model, " + STATS_TOKEN_SUMS
                    + " FROM usage_stats" + where + " GROUP BY api_key_id, model", 2), expectedUsage,
                    "usage_records");
            compare(out, "cost_stats[" + g + "]", COSTS, sums(c, "SELECT api_key_id, model, " + COST_SUMS
                    + " FROM cost_stats" + where + " GROUP BY api_key_id, model", 2), expectedCost,
                    "usage_records + cost_adjustments");
            compare(out, "account_usage_stats[" + g + "]", ALL, sums(c, "SELECT account_id, model, "
                    + STATS_TOKEN_SUMS + ", " + COST_SUMS + " FROM account_usage_stats" + where
                    + " GROUP BY account_id, model", 2), expectedAccount,
                    "usage_records + cost_adjustments naming an account");
        }

        // Per bucket: hours are UTC hours whatever the zone; days and months when the zone has a fixed offset.
        perBucket(out, c, "hour", "DATE_FORMAT(occurred_at, '%Y-%m-%d %H:00:00')");
        if (reportingZone != null && reportingZone.getRules().isFixedOffset()) {
            int offset = reportingZone.getRules().getOffset(java.time.Instant.EPOCH).getTotalSeconds();
            String local = "(occurred_at + INTERVAL " + offset + " SECOND)";
            perBucket(out, c, "day", "DATE_FORMAT(TIMESTAMP(DATE(" + local + ")) - INTERVAL " + offset
                    + " SECOND, '%Y-%m-%d %H:%i:%s')");
            perBucket(out, c, "month", "DATE_FORMAT(TIMESTAMP(DATE_FORMAT(" + local + ", '%Y-%m-01')) - INTERVAL "
                    + offset + " SECOND, '%Y-%m-%d %H:%i:%s')");
        }
        rollups(out, c);
        return out;
    }

    /** Per granularity and bucket, each rollup equals the key projection's rows summed over its other column. */
    private static void rollups(List<String> out, Connection c) throws SQLException {
        String bucket = "granularity, DATE_FORMAT(bucket_start, '%Y-%m-%d %H:%i:%s')";
        for (String[] rollup : new String[][] {{"key_stats", "api_key_id"}, {"model_stats", "model"}}) {
            String subject = rollup[1];
            var usage = sums(c, "SELECT " + bucket + ", " + subject + ", " + STATS_TOKEN_SUMS
                    + " FROM usage_stats GROUP BY 1, 2, 3", 3);
            var cost = sums(c, "SELECT " + bucket + ", " + subject + ", " + COST_SUMS
                    + " FROM cost_stats GROUP BY 1, 2, 3", 3);
            compare(out, rollup[0], ALL, sums(c, "SELECT " + bucket + ", " + subject + ", " + STATS_TOKEN_SUMS + ", "
                    + COST_SUMS + " FROM " + rollup[0] + " GROUP BY 1, 2, 3", 3),
                    add(widen(cost, TOKENS.size()), append(usage, COSTS.size())), "usage_stats + cost_stats");
        }
    }

    /** Token-only rows as full rows: zero costs behind. */
    private static Map<List<String>, BigDecimal[]> append(Map<List<String>, BigDecimal[]> rows, int zeros) {
        Map<List<String>, BigDecimal[]> out = new TreeMap<>(LedgerInvariants::compareKeys);
        rows.forEach((k, v) -> {
            BigDecimal[] wide = Arrays.copyOf(v, v.length + zeros);
            Arrays.fill(wide, v.length, wide.length, BigDecimal.ZERO);
            out.put(k, wide);
        });
        return out;
    }

    private static void perBucket(List<String> out, Connection c, String g, String bucketOfOccurredAt)
            throws SQLException {
        String bucket = "DATE_FORMAT(bucket_start, '%Y-%m-%d %H:%i:%s')";
        String where = " WHERE granularity = '" + g + "'";
        var records = sums(c, "SELECT " + bucketOfOccurredAt + ", api_key_id, model, " + RECORD_SUMS
                + " FROM usage_records GROUP BY 1, 2, 3", 3);
        var adjustments = sums(c, "SELECT " + bucketOfOccurredAt + ", api_key_id, model, " + COST_SUMS
                + " FROM cost_adjustments GROUP BY 1, 2, 3", 3);
        var accountRecords = sums(c, "SELECT " + bucketOfOccurredAt + ", account_id, model, " + RECORD_SUMS
                + " FROM usage_records WHERE account_id IS NOT NULL GROUP BY 1, 2, 3", 3);
        var accountAdjustments = sums(c, "SELECT " + bucketOfOccurredAt + ", account_id, model, " + COST_SUMS
                + " FROM cost_adjustments WHERE account_id IS NOT NULL GROUP BY 1, 2, 3", 3);
        compare(out, "usage_stats[" + g + " buckets]", TOKENS, sums(c, "SELECT " + bucket + ", api_key_id, model, "
                + STATS_TOKEN_SUMS + " FROM usage_stats" + where + " GROUP BY 1, 2, 3", 3),
                project(records, 0, TOKENS.size()), "usage_records");
        compare(out, "cost_stats[" + g + " buckets]", COSTS, sums(c, "SELECT " + bucket + ", api_key_id, model, "
                + COST_SUMS + " FROM cost_stats" + where + " GROUP BY 1, 2, 3", 3),
                add(project(records, TOKENS.size(), COSTS.size()), adjustments), "usage_records + cost_adjustments");
        compare(out, "account_usage_stats[" + g + " buckets]", ALL, sums(c, "SELECT " + bucket
                + ", account_id, model, " + STATS_TOKEN_SUMS + ", " + COST_SUMS + " FROM account_usage_stats" + where
                + " GROUP BY 1, 2, 3", 3), add(accountRecords, widen(accountAdjustments, TOKENS.size())),
                "usage_records + cost_adjustments naming an account");
    }

    private static void uniqueness(Connection c, List<String> out) throws SQLException {
        for (String[] q : new String[][] {
                {"usage_records", "SELECT request_id, COUNT(*) FROM usage_records GROUP BY request_id HAVING COUNT(*) > 1"},
                {"cost_adjustments",
                        "SELECT adjustment_id, COUNT(*) FROM cost_adjustments GROUP BY adjustment_id HAVING COUNT(*) > 1"}}) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q[1])) {
                while (rs.next()) {
                    out.add(q[0] + ": id " + rs.getString(1) + " appears " + rs.getLong(2) + " times");
                }
            }
        }
        for (String[] q : new String[][] {
                {"usage_records", "SELECT r.request_id FROM usage_records r LEFT JOIN ledger_event_ids i "
                        + "ON i.event_kind = 'U' AND i.event_id = r.request_id WHERE i.event_id IS NULL"},
                {"cost_adjustments", "SELECT a.adjustment_id FROM cost_adjustments a LEFT JOIN ledger_event_ids i "
                        + "ON i.event_kind = 'A' AND i.event_id = a.adjustment_id WHERE i.event_id IS NULL"}}) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q[1])) {
                while (rs.next()) {
                    out.add(q[0] + ": id " + rs.getString(1) + " has no row in ledger_event_ids");
                }
            }
        }
    }

    /** Rows of (key columns..., measures...) keyed by the key columns, measures as exact decimals. */
    private static Map<List<String>, BigDecimal[]> sums(Connection c, String sql, int keyColumns)
            throws SQLException {
        Map<List<String>, BigDecimal[]> rows = new TreeMap<>(LedgerInvariants::compareKeys);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> key = new ArrayList<>(keyColumns);
                for (int i = 1; i <= keyColumns; i++) {
                    key.add(rs.getString(i));
                }
                BigDecimal[] measures = new BigDecimal[columns - keyColumns];
                for (int i = keyColumns + 1; i <= columns; i++) {
                    BigDecimal v = rs.getBigDecimal(i);
                    measures[i - keyColumns - 1] = v == null ? BigDecimal.ZERO : v;
                }
                rows.put(List.copyOf(key), measures);
            }
        }
        return rows;
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = String.valueOf(a.get(i)).compareTo(String.valueOf(b.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static Map<List<String>, BigDecimal[]> project(Map<List<String>, BigDecimal[]> rows, int from, int n) {
        Map<List<String>, BigDecimal[]> out = new TreeMap<>(LedgerInvariants::compareKeys);
        rows.forEach((k, v) -> out.put(k, Arrays.copyOfRange(v, from, from + n)));
        return out;
    }

    /** Cost-only rows as full rows: zero requests and tokens in front. */
    private static Map<List<String>, BigDecimal[]> widen(Map<List<String>, BigDecimal[]> rows, int zeros) {
        Map<List<String>, BigDecimal[]> out = new TreeMap<>(LedgerInvariants::compareKeys);
        rows.forEach((k, v) -> {
            BigDecimal[] wide = new BigDecimal[zeros + v.length];
            Arrays.fill(wide, BigDecimal.ZERO);
            System.arraycopy(v, 0, wide, zeros, v.length);
            out.put(k, wide);
        });
        return out;
    }

    private static Map<List<String>, BigDecimal[]> add(Map<List<String>, BigDecimal[]> a,
            Map<List<String>, BigDecimal[]> b) {
        Map<List<String>, BigDecimal[]> out = new TreeMap<>(LedgerInvariants::compareKeys);
        a.forEach((k, v) -> out.put(k, v.clone()));
        b.forEach((k, v) -> out.merge(k, v.clone(), (x, y) -> {
            BigDecimal[] sum = new BigDecimal[x.length];
            for (int i = 0; i < x.length; i++) {
                sum[i] = x[i].add(y[i]);
            }
            return sum;
        }));
        return out;
    }

    private static void compare(List<String> out, String table, List<String> measures,
            Map<List<String>, BigDecimal[]> actual, Map<List<String>, BigDecimal[]> expected, String source) {
        TreeSet<List<String>> keys = new TreeSet<>(LedgerInvariants::compareKeys);
        keys.addAll(actual.keySet());
        keys.addAll(expected.keySet());
        for (List<String> key : keys) {
            BigDecimal[] a = actual.get(key);
            BigDecimal[] e = expected.get(key);
            for (int i = 0; i < measures.size(); i++) {
                BigDecimal av = a == null ? BigDecimal.ZERO : a[i];
                BigDecimal ev = e == null ? BigDecimal.ZERO : e[i];
                if (av.compareTo(ev) != 0) {
                    out.add(table + " " + key + ": " + measures.get(i) + " = " + av.toPlainString()
                            + ", expected " + ev.toPlainString() + " from " + source);
                }
            }
        }
    }

    private static String sums(List<String> columns) {
        return columns.stream().map(c -> "SUM(" + c + ")").collect(Collectors.joining(", "));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
