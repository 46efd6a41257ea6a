package dev.usageledger.projections.event;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The scalar forms nearly every event carries, read character by character without a regex, a formatter or
 * {@code new BigDecimal(String)} (together a third of the consumer's decoding: docs/performance.md, "Consumer CPU and
 * memory"). Each reader answers {@code null} for any other string; {@link JsonFields} then applies its general rule
 * or rejects the value.
 */
final class JsonScalars {

    /** Fraction digits of an amount of money: the scale of every amount read. */
    static final int MONEY_FRACTION_DIGITS = 10;
    /** Digits before the point that a decimal string may have. */
    private static final int MONEY_INTEGER_DIGITS = 16;
    /** Below 10^8 (8 digits before the point), an amount at scale 10 has an unscaled value below 10^18: a long. */
    private static final int LONG_INTEGER_DIGITS = 8;
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L};

    private JsonScalars() {}

    /**
     * The form {@link EventWriter#iso} writes — {@code yyyy-MM-ddTHH:mm:ss.SSSZ} or {@code yyyy-MM-ddTHH:mm:ssZ} — as
     * an instant. Null for any other form and for an invalid date or time, which {@link JsonFields#timestamp} then
     * accepts or rejects by the general RFC 3339 rule.
     */
    static Instant utcInstant(String s) {
        int n = s.length();
        if ((n != 24 || s.charAt(19) != '.') && n != 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-'
                || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = n == 24 ? digits(s, 20, 3) : 0;
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * The value of a decimal string {@code -?\\d{1,16}(\\.\\d{1,10})?} (ASCII digits) at scale 10, or {@code null}
     * for any other string. Below 10^8 the unscaled value is a long, read without {@code new BigDecimal(String)}.
     */
    static BigDecimal decimal(String s) {
        int n = s.length();
        int i = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        int integerStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int integerDigits = i - integerStart;
        if (integerDigits < 1 || integerDigits > MONEY_INTEGER_DIGITS) {
            return null;
        }
        int fractionStart = i + 1;
        int fractionDigits = 0;
        if (i < n) {
            if (s.charAt(i) != '.') {
                return null;
            }
            for (i = fractionStart; i < n && isDigit(s.charAt(i)); i++) {
                fractionDigits++;
            }
            if (fractionDigits < 1 || fractionDigits > MONEY_FRACTION_DIGITS || i != n) {
                return null;
            }
        }
        if (integerDigits > LONG_INTEGER_DIGITS) {
            return new BigDecimal(s).setScale(MONEY_FRACTION_DIGITS);
        }
        long unscaled = 0;
        for (int j = integerStart; j < integerStart + integerDigits; j++) {
            unscaled = unscaled * 10 + (s.charAt(j) - '0');
        }
        for (int j = fractionStart; j < fractionStart + fractionDigits; j++) {
            unscaled = unscaled * 10 + (s.charAt(j) - '0');
        }
        unscaled *= POWERS_OF_TEN[MONEY_FRACTION_DIGITS - fractionDigits];
        return BigDecimal.valueOf(integerStart == 1 ? -unscaled : unscaled, MONEY_FRACTION_DIGITS);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
