package dev.usageledger.bench;

import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.mysql.LedgerRows;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Ledger rows as {@code LOAD DATA} reads them (tab-separated, backslash escapes, {@code \N} for NULL,
 * {@code DATETIME(3)} as {@code yyyy-MM-dd HH:mm:ss.SSS}), with exactly the values {@link RawWriter} inserts: the
 * row's values are those {@link LedgerRows#bindUsageRecord} binds, caught by a statement that only records them, so
 * no second mapping of an event to columns exists. The column order is {@code INSERT_USAGE_RECORD}'s, the one
 * {@code ProjectionSql.loadUsageRecords} names.
 */
final class LedgerTsv {

    private static final DateTimeFormatter DATETIME_3 = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final int COLUMNS = 30;

    private final Object[] row = new Object[COLUMNS];
    private final PreparedStatement recorder = (PreparedStatement) Proxy.newProxyInstance(
            LedgerTsv.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "setString", "setLong", "setBigDecimal", "setBoolean", "setObject" ->
                            row[(Integer) args[0] - 1] = args[1];
                    case "setNull" -> row[(Integer) args[0] - 1] = null;
                    default -> throw new UnsupportedOperationException("LedgerTsv records bound values only, not "
                            + method.getName());
                }
                return null;
            });

    /** The values bound for {@code u}, by parameter (index 0 is parameter 1). Not thread-safe: one per writer. */
    Object[] values(UsageRecorded u) throws SQLException {
        java.util.Arrays.fill(row, null);
        LedgerRows.bindUsageRecord(recorder, u);
        return row.clone();
    }

    /** Appends one row of {@code values} and its line end. */
    static void append(StringBuilder tsv, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                tsv.append('\t');
            }
            Object v = values[i];
            if (v == null) {
                tsv.append("\\N");
            } else if (v instanceof String s) {
                text(tsv, s);
            } else if (v instanceof LocalDateTime t) {
                tsv.append(DATETIME_3.format(t));
            } else if (v instanceof Boolean b) {
                tsv.append(b ? '1' : '0');
            } else if (v instanceof BigDecimal d) {
                tsv.append(d.toPlainString());
            } else if (v instanceof Long n) {
                tsv.append(n.longValue());
            } else {
                throw new IllegalArgumentException("no TSV form for " + v.getClass().getName());
            }
        }
        tsv.append('\n');
    }

    private static void text(StringBuilder tsv, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> tsv.append("\\\\");
                case '\t' -> tsv.append("\\t");
                case '\n' -> tsv.append("\\n");
                case '\r' -> tsv.append("\\r");
                case '\0' -> tsv.append("\\0");
                default -> tsv.append(ch);
            }
        }
    }
}
