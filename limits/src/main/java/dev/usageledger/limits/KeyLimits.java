package dev.usageledger.limits;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One API key's limits (CONTRACT §4). Every limit is 0 for unlimited. Money is rated USD with at most 10 fraction
 * digits. Instances are always valid: build them through {@link KeyLimitsJson#parse} (which names the broken field)
 * or with values already checked; the constructor throws {@link IllegalArgumentException} otherwise.
 *
 * @param windowSeconds     length of the sliding window; required (1 to 604800) when a window limit is set
 * @param requestsPerWindow requests admitted in any interval of {@code windowSeconds}
 * @param tokensPerWindow   tokens (all four classes) reported in any interval of {@code windowSeconds}
 * @param costPerWindowUsd  rated cost reported in any interval of {@code windowSeconds}
 * @param concurrency       live leases at once
 * @param leaseSeconds      lease length (and renewal extension); 1 to 86400 when {@code concurrency} is set (the JSON
 *                          form fills in {@link #DEFAULT_LEASE_SECONDS} for a missing or 0 value)
 * @param dailyCostUsd      rated cost per day of the reporting time zone
 * @param totalCostUsd      rated cost over the key's lifetime
 * @param weeklyCostUsd     rated cost per week starting at {@code weeklyResetDay}/{@code weeklyResetHour}
 * @param weeklyResetDay    ISO day of week, 1 = Monday; 0 (unset) means Monday
 * @param weeklyResetHour   0–23, in the reporting time zone
 * @param shadow            decide and count, but always allow
 */
public record KeyLimits(
        int windowSeconds,
        long requestsPerWindow,
        long tokensPerWindow,
        BigDecimal costPerWindowUsd,
        int concurrency,
        int leaseSeconds,
        BigDecimal dailyCostUsd,
        BigDecimal totalCostUsd,
        BigDecimal weeklyCostUsd,
        int weeklyResetDay,
        int weeklyResetHour,
        boolean shadow) {

    public static final int MAX_WINDOW_SECONDS = 604_800;
    public static final int MAX_LEASE_SECONDS = 86_400;
    /** The lease length a concurrency limit gets when none is given (CONTRACT §4). */
    public static final int DEFAULT_LEASE_SECONDS = 600;

    /** No limit at all: what a key never configured has. */
    public static final KeyLimits NONE = new KeyLimits(0, 0, 0, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO,
            BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, false);

    public KeyLimits {
        Objects.requireNonNull(costPerWindowUsd, "costPerWindowUsd");
        Objects.requireNonNull(dailyCostUsd, "dailyCostUsd");
        Objects.requireNonNull(totalCostUsd, "totalCostUsd");
        Objects.requireNonNull(weeklyCostUsd, "weeklyCostUsd");
        require(windowSeconds >= 0 && windowSeconds <= MAX_WINDOW_SECONDS, "windowSeconds");
        require(requestsPerWindow >= 0, "requestsPerWindow");
        require(tokensPerWindow >= 0, "tokensPerWindow");
        require(concurrency >= 0, "concurrency");
        require(leaseSeconds >= 0 && leaseSeconds <= MAX_LEASE_SECONDS, "leaseSeconds");
        require(weeklyResetDay >= 0 && weeklyResetDay <= 7, "weeklyResetDay");
        require(weeklyResetHour >= 0 && weeklyResetHour <= 23, "weeklyResetHour");
        require(!hasWindowLimit(requestsPerWindow, tokensPerWindow, costPerWindowUsd) || windowSeconds > 0,
                "windowSeconds");
        require(concurrency == 0 || leaseSeconds > 0, "leaseSeconds");
        costPerWindowUsd = UsdUnits.normalise(costPerWindowUsd);
        dailyCostUsd = UsdUnits.normalise(dailyCostUsd);
        totalCostUsd = UsdUnits.normalise(totalCostUsd);
        weeklyCostUsd = UsdUnits.normalise(weeklyCostUsd);
    }

    /** True when some window limit (requests, tokens or cost) is set. */
    public boolean hasWindowLimit() {
        return hasWindowLimit(requestsPerWindow, tokensPerWindow, costPerWindowUsd);
    }

    /** The ISO day of week the weekly quota starts on (an unset 0 is Monday). */
    public int effectiveWeeklyResetDay() {
        return weeklyResetDay == 0 ? 1 : weeklyResetDay;
    }

    private static boolean hasWindowLimit(long requests, long tokens, BigDecimal cost) {
        return requests > 0 || tokens > 0 || cost.signum() > 0;
    }

    private static void require(boolean condition, String field) {
        if (!condition) {
            throw new IllegalArgumentException("invalid " + field);
        }
    }
}
