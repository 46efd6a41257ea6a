package dev.usageledger.statsapi.crs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * US dollars as CRS sends them: a JSON number (CRS sends JavaScript numbers), here written from the exact stored
 * decimal in plain notation; and CRS's {@code formatted*} strings and {@code toFixed(6)} roundings, which go through a
 * double as JavaScript's do ({@link #toFixed}).
 */
@JsonSerialize(using = Usd.PlainNumber.class)
public record Usd(BigDecimal value) {

    public static final Usd ZERO = new Usd(BigDecimal.ZERO);

    public static Usd of(BigDecimal value) {
        return new Usd(value);
    }

    /**
     * {@code CostCalculator.formatCost} (claude-relay-service src/utils/costCalculator.js): {@code $} and two
     * decimals from 1 up, four from 0.001, six below, applied to the JavaScript number a client parses from this
     * amount, so a CRS UI formatting the number itself shows the same string.
     */
    public String formatCost() {
        double number = value.doubleValue();
        return "$" + toFixed(number, number >= 1 ? 2 : number >= 0.001 ? 4 : 6);
    }

    /** {@code `$${cost.toFixed(6)}`}, as CRS's user-model-stats formats a stored cost (src/routes/apiStats.js). */
    public String fixed6() {
        return "$" + toFixed(value.doubleValue(), 6);
    }

    /** {@code Number(cost.toFixed(6))}, as CRS rounds a usage record's cost (src/routes/admin/usageStats.js). */
    public Usd rounded6() {
        return new Usd(new BigDecimal(toFixed(value.doubleValue(), 6)));
    }

    /**
     * JavaScript's {@code Number.prototype.toFixed} (ECMA-262 §21.1.3.3): the exact value of the double rounded to
     * {@code digits} with ties away from zero, the sign written separately (so -0.0000001 gives "-0.000000").
     */
    static String toFixed(double number, int digits) {
        String sign = number < 0 ? "-" : "";
        return sign + new BigDecimal(Math.abs(number)).setScale(digits, RoundingMode.HALF_UP).toPlainString();
    }

    /** Writes the amount as a plain JSON number: all its digits, no exponent, no trailing zeros. */
    static final class PlainNumber extends ValueSerializer<Usd> {
        @Override
        public void serialize(Usd usd, JsonGenerator gen, SerializationContext context) {
            BigDecimal value = usd.value();
            gen.writeNumber(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
        }
    }
}
