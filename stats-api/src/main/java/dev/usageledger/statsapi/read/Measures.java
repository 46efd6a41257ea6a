package dev.usageledger.statsapi.read;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures of CONTRACT §5, summed exactly: token counts as {@code long}, money as {@link BigDecimal}. Mutable,
 * not thread-safe; one per bucket and group while a request is answered.
 */
public final class Measures {

    /**
     * The measures' names in the order of every answer (JSON fields, CSV columns) and of {@link ReadSql}'s sums.
     * {@code unpricedRequests} (requests the catalog could not price, counted at cost 0) comes last: a column added
     * after the others.
     */
    public static final List<String> NAMES = List.of("requests", "inputTokens", "outputTokens", "cacheCreateTokens",
            "cacheReadTokens", "ephemeral5mTokens", "ephemeral1hTokens", "realCostUsd", "ratedCostUsd",
            "unpricedRequests");

    private static final int COUNTS = 7;

    private final long[] counts = new long[COUNTS];
    private BigDecimal realCostUsd = BigDecimal.ZERO;
    private BigDecimal ratedCostUsd = BigDecimal.ZERO;
    private long unpricedRequests;

    /** Adds the ten sums of a row that starts at column {@code first}, in {@link #NAMES} order; NULL is 0. */
    void add(ResultSet rs, int first) throws SQLException {
        for (int i = 0; i < COUNTS; i++) {
            counts[i] += rs.getLong(first + i);
        }
        realCostUsd = plus(realCostUsd, rs.getBigDecimal(first + COUNTS));
        ratedCostUsd = plus(ratedCostUsd, rs.getBigDecimal(first + COUNTS + 1));
        unpricedRequests += rs.getLong(first + COUNTS + 2);
    }

    public void add(Measures other) {
        for (int i = 0; i < COUNTS; i++) {
            counts[i] += other.counts[i];
        }
        realCostUsd = realCostUsd.add(other.realCostUsd);
        ratedCostUsd = ratedCostUsd.add(other.ratedCostUsd);
        unpricedRequests += other.unpricedRequests;
    }

    private static BigDecimal plus(BigDecimal sum, BigDecimal value) {
        return value == null ? sum : sum.add(value);
    }

    public long requests() {
        return counts[0];
    }

    public long inputTokens() {
        return counts[1];
    }

    public long outputTokens() {
        return counts[2];
    }

    public long cacheCreateTokens() {
        return counts[3];
    }

    public long cacheReadTokens() {
        return counts[4];
    }

    public long ephemeral5mTokens() {
        return counts[5];
    }

    public long ephemeral1hTokens() {
        return counts[6];
    }

    /** Input, output, cache-create and cache-read tokens: every token once (the ephemeral split is within create). */
    public long tokens() {
        return counts[1] + counts[2] + counts[3] + counts[4];
    }

    public BigDecimal realCostUsd() {
        return realCostUsd;
    }

    public BigDecimal ratedCostUsd() {
        return ratedCostUsd;
    }

    /** Requests the catalog could not price (counted at cost 0): the unpriced share is this over {@link #requests}. */
    public long unpricedRequests() {
        return unpricedRequests;
    }

    /** Every measure zero: the same as no row at all (CONTRACT §3). */
    public boolean isZero() {
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return realCostUsd.signum() == 0 && ratedCostUsd.signum() == 0 && unpricedRequests == 0;
    }

    /** The measures by {@link #NAMES}: tokens as numbers, money as decimal strings. */
    public Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        List<Object> values = values();
        for (int i = 0; i < NAMES.size(); i++) {
            fields.put(NAMES.get(i), values.get(i));
        }
        return fields;
    }

    /** The values in {@link #NAMES} order, as {@link #toFields()} gives them. */
    public List<Object> values() {
        List<Object> values = new ArrayList<>(NAMES.size());
        for (long c : counts) {
            values.add(c);
        }
        values.add(Money.format(realCostUsd));
        values.add(Money.format(ratedCostUsd));
        values.add(unpricedRequests);
        return values;
    }
}
