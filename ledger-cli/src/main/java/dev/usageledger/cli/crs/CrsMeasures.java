package dev.usageledger.cli.crs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * What one CRS usage hash counts, in the ledger's measures: requests, the four additive token classes, the 5-minute and
 * 1-hour cache-write split, and (key-and-model hashes only) real and rated cost. CRS writes {@code realCostMicro} and
 * {@code ratedCostMicro} as integer micro-USD and only when above zero; a hash with neither holds usage CRS recorded
 * without cost (older CRS versions), and its cost is unknown: null, never zero. Costs are taken as stored, never
 * re-priced.
 */
public record CrsMeasures(long requests, long inputTokens, long outputTokens, long cacheCreateTokens,
        long cacheReadTokens, long ephemeral5mTokens, long ephemeral1hTokens, BigDecimal realCostUsd,
        BigDecimal ratedCostUsd) {

    private static final BigDecimal MICRO = new BigDecimal("0.000001");

    /** The hash's fields; absent counters are 0. {@code withCost}: read the micro-USD cost fields. */
    public static CrsMeasures of(Map<String, String> hash, boolean withCost) {
        BigDecimal real = null;
        BigDecimal rated = null;
        if (withCost && (hash.containsKey("realCostMicro") || hash.containsKey("ratedCostMicro"))) {
            real = micro(hash.get("realCostMicro"));
            rated = micro(hash.get("ratedCostMicro"));
        }
        return new CrsMeasures(count(hash, "requests"), count(hash, "inputTokens"), count(hash, "outputTokens"),
                count(hash, "cacheCreateTokens"), count(hash, "cacheReadTokens"), count(hash, "ephemeral5mTokens"),
                count(hash, "ephemeral1hTokens"), real, rated);
    }

    /** Whether the cost is unknown (usage recorded without cost). */
    public boolean costUnknown() {
        return realCostUsd == null;
    }

    /** An INCRBYFLOAT string of a cost key as dollars with 10 fraction digits (HALF_EVEN), exactly as Redis holds it. */
    public static BigDecimal dollars(String value) {
        return new BigDecimal(value.trim()).setScale(10, RoundingMode.HALF_EVEN);
    }

    private static BigDecimal micro(String value) {
        return value == null ? BigDecimal.ZERO.setScale(10) : new BigDecimal(value.trim()).multiply(MICRO)
                .setScale(10, RoundingMode.HALF_EVEN);
    }

    private static long count(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null ? 0 : Long.parseLong(value.trim());
    }
}
