package dev.usageledger.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in Redis: rated USD as a 64-bit integer count of 1e-10 USD, the ledger's own precision (every request's cost
 * is rounded once to 10 fraction digits), so {@code INCRBY} sums exactly and no float ever holds money
 * ({@code INCRBYFLOAT} is not exact). The largest amount is {@link #MAX_USD}, far below {@code Long.MAX_VALUE} units.
 * The admission script compares amounts as Lua doubles, exact up to 2^53 units (about 900,719 USD) and within one part
 * in 10^16 beyond.
 */
public final class UsdUnits {

    /** 10 fraction digits. */
    public static final int SCALE = 10;
    /** Largest amount a limit or counter may hold: 900 million USD (9e18 units). */
    public static final BigDecimal MAX_USD = new BigDecimal("900000000");

    private UsdUnits() {}

    /** {@code usd} as units of 1e-10 USD; throws {@link ArithmeticException} for more than 10 fraction digits. */
    public static long toUnits(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    /** Units of 1e-10 USD as a plain decimal without trailing zeros ("0", "1.5", "0.0000000001"). */
    public static BigDecimal fromUnits(long units) {
        return normalise(BigDecimal.valueOf(units, SCALE));
    }

    /** The same amount, plain and without trailing zeros, so equal amounts are {@code equals}. */
    static BigDecimal normalise(BigDecimal usd) {
        if (usd.signum() < 0 || usd.compareTo(MAX_USD) > 0 || usd.stripTrailingZeros().scale() > SCALE) {
            throw new IllegalArgumentException("amount out of range: " + usd.toPlainString());
        }
        BigDecimal stripped = usd.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
