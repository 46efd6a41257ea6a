package dev.usageledger.projections.value;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How the ledger rounds a USD amount it computes: {@value #SCALE} fraction digits, {@link RoundingMode#HALF_EVEN}. */
public final class Usd {

    /** Fraction digits of every computed USD amount. */
    public static final int SCALE = 10;

    /** Rounding of every computed USD amount. */
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

    /** Zero at {@value #SCALE} fraction digits. */
    public static final BigDecimal ZERO = BigDecimal.ZERO.setScale(SCALE);

    private Usd() {}

    /** {@code amount} at {@value #SCALE} fraction digits, {@link RoundingMode#HALF_EVEN}. */
    public static BigDecimal round(BigDecimal amount) {
        return amount.setScale(SCALE, ROUNDING);
    }
}
