package dev.usageledger.limits;

import java.math.BigDecimal;

/** A key's counters as admission sees them now (CONTRACT §4, the {@code usage} of {@code GET …/limits}). */
public record CurrentUsage(long windowRequests, long windowTokens, BigDecimal windowCostUsd, BigDecimal dailyCostUsd,
        BigDecimal weeklyCostUsd, BigDecimal totalCostUsd, long activeLeases) {

    public static final CurrentUsage ZERO = new CurrentUsage(0, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO, 0);
}
