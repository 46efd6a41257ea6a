package dev.usageledger.projections.event;

import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.AbstractList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Strict reads of one JSON object's fields, collecting a {@link Violation} per broken rule instead
 * of throwing. No coercion: {@code "12"} is not a number, {@code 1.5} and {@code 1e3} are not token
 * counts, {@code "true"} is not a boolean. A JSON {@code null} counts as absent.
 *
 * <p>Every reader returns {@code null} (or the stated default) when the field is absent or broken;
 * callers build a value only when {@link #violations} stayed unchanged.
 *
 * <p>The object is read through a {@link Lookup}, so the same rules apply to a {@link JsonNode} tree
 * (relay input) and to an object read by a streaming parser ({@link StreamedObject}, the topic's events).
 */
final class JsonFields {

    /** RFC 3339 date-time with an offset, up to millisecond precision. */
    static final Pattern RFC3339_MILLIS =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?([Zz]|[+-]\\d{2}:\\d{2})");
    static final int MONEY_FRACTION_DIGITS = 10;
    /** Digits before the point that a decimal string may have. */
    private static final int MONEY_INTEGER_DIGITS = 16;
    /** Below 10^8 (8 digits before the point), an amount at scale 10 has an unscaled value below 10^18: a long. */
    private static final int LONG_INTEGER_DIGITS = 8;
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L};

    /**
     * The characters a string field may consist of: each rule is one character class, repeated, so it is checked
     * character by character instead of with a regex (the regexes and their matchers were a third of the
     * consumer's decoding and a fifth of its allocation: docs/performance.md, item 18).
     */
    enum Chars {
        /** {@code [A-Za-z0-9._:-]+} */
        ID("the characters [A-Za-z0-9._:-]") {
            @Override
            boolean allows(char c) {
                return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '.' || c == '_' || c == ':' || c == '-';
            }
        },
        /** {@code [a-z0-9-]+} */
        ACCOUNT_TYPE("the characters [a-z0-9-]") {
            @Override
            boolean allows(char c) {
                return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
            }
        },
        /** {@code [a-z0-9_-]+} */
        SERVICE_TIER("the characters [a-z0-9_-]") {
            @Override
            boolean allows(char c) {
                return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            }
        },
        /** {@code [\\x20-\\x7E]+} */
        PRINTABLE_ASCII("printable ASCII characters") {
            @Override
            boolean allows(char c) {
                return c >= 0x20 && c <= 0x7E;
            }
        };

        private final String description;

        Chars(String description) {
            this.description = description;
        }

        abstract boolean allows(char c);

        /** Whether every character of {@code s} is allowed (true for the empty string). */
        boolean allowsAll(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (!allows(s.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
    }
    private static final long MAX_TOKENS = 1_000_000_000L;

    /** A field's value when it is a JSON array whose elements the reader skipped: not a string, number, boolean or object. */
    static final Object ARRAY = new Object();
    private static final Lookup EMPTY = field -> null;

    /**
     * One JSON object's fields. {@link #get} answers {@code null} (absent or JSON {@code null}), a
     * {@link String}, a {@link Long} or {@link BigInteger} (JSON integer), a {@link BigDecimal} (any other
     * JSON number), a {@link Boolean}, a {@link Lookup} (JSON object), or for a JSON array a {@link List} of such
     * values (or {@link #ARRAY}, when the reader skipped its elements). The rules here read no array: for them an
     * array is just not one of the kinds they accept.
     */
    @FunctionalInterface
    interface Lookup {
        Object get(String field);
    }

    private final Lookup node;
    /** A root's prefix of field names in violations; {@code null} for a nested object (see {@link #prefix()}). */
    private final String prefix;
    /** The object this one is a field of, and that field's name; {@code null} for a root. */
    private final JsonFields parent;
    private final String name;
    private final Integer index;
    private final List<Violation> violations;

    JsonFields(JsonNode node, String prefix, Integer index, List<Violation> violations) {
        this(tree(node), prefix, index, violations);
    }

    JsonFields(Lookup node, String prefix, Integer index, List<Violation> violations) {
        this(node, prefix, null, null, index, violations);
    }

    private JsonFields(Lookup node, String prefix, JsonFields parent, String name, Integer index,
            List<Violation> violations) {
        this.node = node;
        this.prefix = prefix;
        this.parent = parent;
        this.name = name;
        this.index = index;
        this.violations = violations;
    }

    /** A nested object's fields, under {@code field}. */
    private JsonFields nested(Lookup object, String field) {
        return new JsonFields(object, null, this, field, index, violations);
    }

    /** What precedes a field's name in a violation, e.g. {@code cost.breakdown.}; built only for a violation. */
    private String prefix() {
        return parent == null ? prefix : parent.prefix() + name + ".";
    }

    List<Violation> violations() {
        return violations;
    }

    void reject(String field, String message) {
        violations.add(new Violation(index, prefix() + field, message));
    }

    /** A tree object's fields as a {@link Lookup}. */
    static Lookup tree(JsonNode node) {
        return field -> fromTree(node.get(field));
    }

    private static Object fromTree(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.stringValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isObject() ? tree(v) : elements(v);
    }

    /** A tree array's elements, each read when asked for. */
    private static List<Object> elements(JsonNode array) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return fromTree(array.get(index));
            }

            @Override
            public int size() {
                return array.size();
            }
        };
    }

    private Object value(String field) {
        return node.get(field);
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof BigInteger;
    }

    /** Whether a JSON integer lies in [min, max]; a {@link BigInteger} is compared exactly. */
    private static boolean within(Object integral, long min, long max) {
        if (integral instanceof Long n) {
            return n >= min && n <= max;
        }
        BigInteger n = (BigInteger) integral;
        return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
    }

    boolean has(String field) {
        return value(field) != null;
    }

    /** A nested object; absent gives an empty object, anything else than an object is a violation. */
    JsonFields object(String field, boolean required) {
        Object v = value(field);
        if (v == null) {
            if (required) {
                reject(field, "is required");
            }
            return nested(EMPTY, field);
        }
        if (!(v instanceof Lookup object)) {
            reject(field, "must be an object");
            return nested(EMPTY, field);
        }
        return nested(object, field);
    }

    String string(String field, boolean required, int maxLength, Chars chars) {
        Object v = value(field);
        if (v == null) {
            if (required) {
                reject(field, "is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            reject(field, "must be a string");
            return null;
        }
        if (s.isEmpty() || s.length() > maxLength) {
            reject(field, "must be 1 to " + maxLength + " characters");
            return null;
        }
        if (chars != null && !chars.allowsAll(s)) {
            reject(field, "must consist of " + chars.description);
            return null;
        }
        return s;
    }

    String id(String field, boolean required, int maxLength) {
        return string(field, required, maxLength, Chars.ID);
    }

    Instant timestamp(String field, boolean required) {
        String s = string(field, required, 40, null);
        if (s == null) {
            return null;
        }
        Instant utc = utcInstant(s);
        if (utc != null) {
            return utc;
        }
        if (!RFC3339_MILLIS.matcher(s).matches()) {
            reject(field, "must be an RFC 3339 date-time with an offset and at most millisecond precision,"
                    + " e.g. 2026-11-22T10:15:30.123Z");
            return null;
        }
        try {
            return OffsetDateTime.parse(s.toUpperCase()).toInstant();
        } catch (DateTimeParseException e) {
            reject(field, "is not a valid date-time: " + e.getParsedString());
            return null;
        }
    }

    /**
     * The form {@link EventCodec#iso} writes, which nearly every event carries — {@code yyyy-MM-ddTHH:mm:ss.SSSZ}
     * or {@code yyyy-MM-ddTHH:mm:ssZ} — read without the regex and the formatter, which were a third of the
     * consumer's decoding (docs/performance.md, item 13). Null for any other form and for an invalid date or
     * time: {@link #timestamp} then accepts or rejects it as before.
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

    /** A token count: a JSON integer 0 … 1,000,000,000; absent means 0. */
    long tokens(String field) {
        Object v = value(field);
        if (v == null) {
            return 0;
        }
        if (!isIntegral(v)) {
            reject(field, "must be a JSON integer (no strings, no fractions)");
            return 0;
        }
        if (!within(v, 0, MAX_TOKENS)) {
            reject(field, "must be between 0 and 1000000000");
            return 0;
        }
        return ((Number) v).longValue();
    }

    /**
     * The {@code usage} object: the six token counts (absent means 0) and the rule that the 5m/1h
     * split never exceeds {@code cacheCreateTokens}. Returns {@code null} when a rule is broken.
     */
    TokenUsage usage(boolean required) {
        int before = violations.size();
        JsonFields u = object("usage", required);
        long input = u.tokens("inputTokens");
        long output = u.tokens("outputTokens");
        long cacheCreate = u.tokens("cacheCreateTokens");
        long eph5m = u.tokens("ephemeral5mTokens");
        long eph1h = u.tokens("ephemeral1hTokens");
        long cacheRead = u.tokens("cacheReadTokens");
        if (eph5m + eph1h > cacheCreate) {
            u.reject("ephemeral5mTokens", "ephemeral5mTokens + ephemeral1hTokens must not exceed cacheCreateTokens");
        }
        return violations.size() == before ? new TokenUsage(input, output, cacheCreate, eph5m, eph1h, cacheRead) : null;
    }

    /** The optional request details shared by relay input and {@code usage.recorded}. */
    record Details(String accountId, String accountType, String serviceTier, boolean longContext, String endpoint,
            Integer statusCode, Boolean stream, Long durationMs) {}

    Details details() {
        String accountId = id("accountId", false, 64);
        String accountType = string("accountType", false, 32, Chars.ACCOUNT_TYPE);
        String serviceTier = string("serviceTier", false, 32, Chars.SERVICE_TIER);
        Boolean longContext = bool("longContext");
        String endpoint = string("endpoint", false, 256, Chars.PRINTABLE_ASCII);
        Long statusCode = integer("statusCode", 100, 599);
        Boolean stream = bool("stream");
        Long durationMs = integer("durationMs", 0, 86_400_000L);
        return new Details(accountId, accountType, serviceTier, Boolean.TRUE.equals(longContext), endpoint,
                statusCode == null ? null : statusCode.intValue(), stream, durationMs);
    }

    String model(String field, boolean required) {
        return string(field, required, 128, Chars.PRINTABLE_ASCII);
    }

    Long integer(String field, long min, long max) {
        Object v = value(field);
        if (v == null) {
            return null;
        }
        if (!isIntegral(v)) {
            reject(field, "must be a JSON integer");
            return null;
        }
        if (!within(v, min, max)) {
            reject(field, "must be between " + min + " and " + max);
            return null;
        }
        return ((Number) v).longValue();
    }

    Boolean bool(String field) {
        Object v = value(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            reject(field, "must be true or false");
            return null;
        }
        return b;
    }

    /**
     * An exact amount of US dollars: a decimal string or a JSON number, read exactly, with at most
     * 10 fraction digits, within [min, max].
     */
    BigDecimal money(String field, boolean required, BigDecimal min, BigDecimal max) {
        Object v = value(field);
        if (v == null) {
            if (required) {
                reject(field, "is required");
            }
            return null;
        }
        BigDecimal amount;
        if (v instanceof String s) {
            amount = decimal(s);
            if (amount == null) {
                reject(field, "must be a decimal number with at most " + MONEY_FRACTION_DIGITS
                        + " fraction digits, e.g. \"0.0123\"");
                return null;
            }
        } else {
            if (v instanceof BigDecimal d) {
                amount = d;
            } else if (v instanceof BigInteger n) {
                amount = new BigDecimal(n);
            } else if (v instanceof Long n) {
                amount = BigDecimal.valueOf(n);
            } else {
                reject(field, "must be a decimal string or a JSON number");
                return null;
            }
            if (amount.stripTrailingZeros().scale() > MONEY_FRACTION_DIGITS) {
                reject(field, "must have at most " + MONEY_FRACTION_DIGITS + " fraction digits");
                return null;
            }
        }
        if (amount.compareTo(min) < 0 || amount.compareTo(max) > 0) {
            reject(field, "must be between " + min.toPlainString() + " and " + max.toPlainString());
            return null;
        }
        return amount.setScale(MONEY_FRACTION_DIGITS);
    }

    /**
     * The value of a decimal string {@code -?\\d{1,16}(\\.\\d{1,10})?} (ASCII digits) at scale 10, or {@code null}
     * for any other string. Read without a regex and, below 10^8, without {@code new BigDecimal(String)}: the
     * unscaled value is a long.
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
