package dev.usageledger.statsapi.read;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a top list is ordered by ({@code by}); largest first. */
public enum Ranking {
    RATED_COST("ratedCost", 8),
    REAL_COST("realCost", 7),
    /** Every token once, as {@link Measures#tokens()} counts them. */
    TOKENS("tokens", 1, 2, 3, 4),
    REQUESTS("requests", 0);

    private final String parameter;
    /** The measures ranked, added: indexes of {@link Measures#NAMES}. */
    private final int[] measures;

    Ranking(String parameter, int... measures) {
        this.parameter = parameter;
        this.measures = measures;
    }

    public String parameter() {
        return parameter;
    }

    /** The ranked value over the sums {@code m0 … m9} of {@link ReadSql#top}. */
    String overSums() {
        return Arrays.stream(measures).mapToObj(i -> "SUM(m" + i + ")").collect(Collectors.joining(" + "));
    }

    /** The ranked value of a table's rows: its sum expressions ({@link ReadSql.Table}) of the ranked measures, added. */
    String over(String[] sumExpressions) {
        return Arrays.stream(measures).mapToObj(i -> sumExpressions[i]).collect(Collectors.joining(" + "));
    }

    public static Optional<Ranking> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.parameter.equals(value)).findFirst();
    }
}
