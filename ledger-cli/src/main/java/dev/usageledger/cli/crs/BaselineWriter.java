package dev.usageledger.cli.crs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Writes one import's rows into the baseline tables: each SCAN page's rows in one transaction, as multi-row upserts
 * per table that leave identical rows untouched; then the residual rows of usage without model detail. Counts the
 * rows it changed (inserted or updated) from the server's affected-row counts: the data source must report affected
 * rows, not found rows ({@code useAffectedRows=true}).
 */
final class BaselineWriter {

    private final DataSource dataSource;
    private final String importId;
    private long affected;

    BaselineWriter(DataSource dataSource, String importId) {
        this.dataSource = dataSource;
        this.importId = importId;
    }

    /** The rows of one SCAN page, in one transaction. */
    void write(List<BaselineRow> rows) throws SQLException {
        Map<CrsKey.Kind, List<BaselineRow>> byKind = rows.stream()
                .collect(Collectors.groupingBy(r -> r.key().kind()));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                upsert(c, BaselineSql.KEY_USAGE, BaselineSql.KEY_USAGE_KEY, withCosts(), byKind.get(CrsKey.Kind.KEY_MODEL));
                upsert(c, BaselineSql.ACCOUNT_USAGE, BaselineSql.ACCOUNT_USAGE_KEY, BaselineSql.MEASURES,
                        byKind.get(CrsKey.Kind.ACCOUNT_MODEL));
                upsert(c, BaselineSql.TOTALS, BaselineSql.TOTALS_KEY, BaselineSql.MEASURES,
                        byKind.get(CrsKey.Kind.KEY_TOTAL));
                upsert(c, BaselineSql.TOTALS, BaselineSql.TOTALS_KEY, BaselineSql.MEASURES,
                        byKind.get(CrsKey.Kind.ACCOUNT_TOTAL));
                upsert(c, BaselineSql.TOTALS, BaselineSql.TOTALS_KEY, List.of("rated_cost_usd"),
                        byKind.get(CrsKey.Kind.KEY_RATED_COST));
                upsert(c, BaselineSql.TOTALS, BaselineSql.TOTALS_KEY, List.of("real_cost_usd"),
                        byKind.get(CrsKey.Kind.KEY_REAL_COST));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /** After every page: the rows {@code model = ''} of keys and accounts, from CRS's totals. */
    void writeResiduals() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            affected += residual(c, BaselineSql.residual(BaselineSql.KEY_USAGE, "api_key_id", "key", true));
            affected += residual(c, BaselineSql.residual(BaselineSql.ACCOUNT_USAGE, "account_id", "account", false));
        }
    }

    /** Rows of this import in every baseline table but the import record. */
    long rowCount() throws SQLException {
        return rowCount(dataSource, importId);
    }

    static long rowCount(DataSource dataSource, String importId) throws SQLException {
        long rows = 0;
        try (Connection c = dataSource.getConnection()) {
            for (String table : BaselineSql.TABLES.subList(0, 3)) {
                try (PreparedStatement s = c.prepareStatement(BaselineSql.COUNT_ROWS.formatted(table))) {
                    s.setString(1, importId);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        rows += rs.getLong(1);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Rows changed so far, given how many rows the tables gained: an insert affects 1 row, a changed update 2, an
     * identical row 0.
     */
    long changed(long inserted) {
        return inserted + (affected - inserted) / 2;
    }

    private long residual(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, importId);
            s.setString(2, importId);
            return s.executeUpdate();
        }
    }

    private static List<String> withCosts() {
        List<String> columns = new ArrayList<>(BaselineSql.MEASURES);
        columns.addAll(BaselineSql.COSTS);
        return columns;
    }

    private void upsert(Connection c, String table, List<String> key, List<String> values, List<BaselineRow> rows)
            throws SQLException {
        if (rows == null || rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(BaselineSql.upsert(table, key, values, rows.size()))) {
            int i = 1;
            for (BaselineRow row : rows) {
                CrsKey k = row.key();
                s.setString(i++, importId);
                if (table.equals(BaselineSql.TOTALS)) {
                    s.setString(i++, k.kind() == CrsKey.Kind.ACCOUNT_TOTAL ? "account" : "key");
                }
                s.setString(i++, k.granularity().column());
                s.setObject(i++, utc(row.bucketStart()));
                s.setString(i++, k.subjectId());
                if (!table.equals(BaselineSql.TOTALS)) {
                    s.setString(i++, k.model());
                }
                if (row.measures() == null) {
                    s.setBigDecimal(i++, row.dollars());
                    continue;
                }
                CrsMeasures m = row.measures();
                for (long v : new long[] {m.requests(), m.inputTokens(), m.outputTokens(), m.cacheCreateTokens(),
                        m.cacheReadTokens(), m.ephemeral5mTokens(), m.ephemeral1hTokens()}) {
                    s.setLong(i++, v);
                }
                if (values.size() > BaselineSql.MEASURES.size()) {
                    s.setBigDecimal(i++, m.realCostUsd());
                    s.setBigDecimal(i++, m.ratedCostUsd());
                }
            }
            affected += s.executeUpdate();
        }
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
