package dev.usageledger.statsapi.read;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/** What a top list is ordered by ({@code by}); largest first. */
public enum Ranking {
    RATED_COST("ratedCost", Comparator.comparing(Measures::ratedCostUsd)),
    REAL_COST("realCost", Comparator.comparing(Measures::realCostUsd)),
    TOKENS("tokens", Comparator.comparingLong(Measures::tokens)),
    REQUESTS("requests", Comparator.comparingLong(Measures::requests));

    private final String parameter;
    private final Comparator<Measures> ascending;

    Ranking(String parameter, Comparator<Measures> ascending) {
        this.parameter = parameter;
        this.ascending = ascending;
    }

    public String parameter() {
        return parameter;
    }

    Comparator<Measures> largestFirst() {
        return ascending.reversed();
    }

    public static Optional<Ranking> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.parameter.equals(value)).findFirst();
    }
}
