package dev.usageledger.statsapi.read;

import java.util.Arrays;
import java.util.Optional;

/** What a top list is ordered by ({@code by}); largest first. */
public enum Ranking {
    RATED_COST("ratedCost", "SUM(m8)"),
    REAL_COST("realCost", "SUM(m7)"),
    /** Every token once, as {@link Measures#tokens()} counts them. */
    TOKENS("tokens", "SUM(m1) + SUM(m2) + SUM(m3) + SUM(m4)"),
    REQUESTS("requests", "SUM(m0)");

    private final String parameter;
    /** The measure ranked, over the sums {@code m0 … m9} of {@link ReadSql#top} ({@link Measures#NAMES} order). */
    final String sqlOrder;

    Ranking(String parameter, String sqlOrder) {
        this.parameter = parameter;
        this.sqlOrder = sqlOrder;
    }

    public String parameter() {
        return parameter;
    }

    public static Optional<Ranking> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.parameter.equals(value)).findFirst();
    }
}
