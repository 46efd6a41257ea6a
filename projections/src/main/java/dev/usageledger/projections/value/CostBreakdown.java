package dev.usageledger.projections.value;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * USD cost of one request per token class, each rounded with {@link Usd#round} for display.
 *
 * <p>The classes match {@link TokenUsage}: {@code cacheWrite5m} prices
 * {@code cacheWrite5mBilled()} (the 5-minute split plus any cache-create tokens the split does not cover),
 * {@code cacheWrite1h} prices {@code ephemeral1h}. Because each part is rounded on its own, the parts may differ from
 * {@link AssessedCost#realUsd()} by a few units of 10<sup>-10</sup>; the total is computed from the exact parts.
 */
public record CostBreakdown(
        BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h, BigDecimal cacheRead) {

    /** All five classes at {@link Usd#ZERO}. */
    public static final CostBreakdown ZERO = new CostBreakdown(Usd.ZERO, Usd.ZERO, Usd.ZERO, Usd.ZERO, Usd.ZERO);

    public CostBreakdown {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cacheWrite5m, "cacheWrite5m");
        Objects.requireNonNull(cacheWrite1h, "cacheWrite1h");
        Objects.requireNonNull(cacheRead, "cacheRead");
    }
}
