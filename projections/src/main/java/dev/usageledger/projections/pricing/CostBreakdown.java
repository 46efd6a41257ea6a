package dev.usageledger.projections.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * USD cost of one request per token class, each rounded to 10 fraction digits (HALF_EVEN) for display.
 *
 * <p>The classes match {@link dev.usageledger.projections.event.TokenUsage}: {@code cacheWrite5m} prices
 * {@code cacheWrite5mBilled()} (the 5-minute split plus any cache-create tokens the split does not cover),
 * {@code cacheWrite1h} prices {@code ephemeral1h}. Because each part is rounded on its own, the parts may differ from
 * {@link PricedCost#realUsd()} by a few units of 10<sup>-10</sup>; the total is computed from the exact parts.
 */
public record CostBreakdown(
        BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h, BigDecimal cacheRead) {

    /** All five classes at zero, scale 10. */
    public static final CostBreakdown ZERO = zero();

    public CostBreakdown {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cacheWrite5m, "cacheWrite5m");
        Objects.requireNonNull(cacheWrite1h, "cacheWrite1h");
        Objects.requireNonNull(cacheRead, "cacheRead");
    }

    private static CostBreakdown zero() {
        BigDecimal zero = BigDecimal.ZERO.setScale(CostCalculator.SCALE);
        return new CostBreakdown(zero, zero, zero, zero, zero);
    }
}
