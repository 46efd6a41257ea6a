package dev.usageledger.statsapi.read;

import java.math.BigDecimal;

/** US dollars as the API shows them (CONTRACT §5): a plain decimal string, at most 10 fraction digits, no exponent. */
public final class Money {

    private Money() {}

    public static String format(BigDecimal usd) {
        return usd == null ? null : usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }
}
