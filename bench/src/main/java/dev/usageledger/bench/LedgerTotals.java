package dev.usageledger.bench;

import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a set of requests adds up to: count, the six token sums and the two cost sums. Exact
 * (longs and decimals), so two writers that stored the same requests compare equal.
 */
public record LedgerTotals(long requests, long input, long output, long cacheCreate, long ephemeral5m,
        long ephemeral1h, long cacheRead, BigDecimal realUsd, BigDecimal ratedUsd) {

    public static final LedgerTotals ZERO = new LedgerTotals(0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO);

    public LedgerTotals plus(UsageRecorded u) {
        TokenUsage t = u.usage();
        return new LedgerTotals(requests + 1, input + t.input(), output + t.output(), cacheCreate + t.cacheCreate(),
                ephemeral5m + t.ephemeral5m(), ephemeral1h + t.ephemeral1h(), cacheRead + t.cacheRead(),
                realUsd.add(u.cost().realUsd()), ratedUsd.add(u.cost().ratedUsd()));
    }

    /** The sums of {@code usage_records} in the connection's database. */
    public static LedgerTotals ofLedger(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), "
                + "COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), "
                + "COALESCE(SUM(cache_create_tokens), 0), COALESCE(SUM(ephemeral_5m_tokens), 0), "
                + "COALESCE(SUM(ephemeral_1h_tokens), 0), COALESCE(SUM(cache_read_tokens), 0), "
                + "COALESCE(SUM(real_cost_usd), 0), COALESCE(SUM(rated_cost_usd), 0) FROM usage_records")) {
            rs.next();
            return new LedgerTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), rs.getBigDecimal(8), rs.getBigDecimal(9));
        }
    }

    /** Equal counts and sums; decimals compared by value (scale ignored). */
    public boolean sameAs(LedgerTotals o) {
        return requests == o.requests && input == o.input && output == o.output && cacheCreate == o.cacheCreate
                && ephemeral5m == o.ephemeral5m && ephemeral1h == o.ephemeral1h && cacheRead == o.cacheRead
                && realUsd.compareTo(o.realUsd) == 0 && ratedUsd.compareTo(o.ratedUsd) == 0;
    }
}
