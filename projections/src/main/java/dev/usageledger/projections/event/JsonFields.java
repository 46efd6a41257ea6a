package dev.usageledger.projections.event;

import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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
 * <p>The object is read through a {@link FieldLookup}, so the same rules apply to a {@link JsonNode} tree
 * (relay input) and to an object read by a streaming parser ({@link StreamedObject}, the topic's events).
 */
final class JsonFields {

    /** RFC 3339 date-time with an offset, up to millisecond precision. */
    static final Pattern RFC3339_MILLIS =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?([Zz]|[+-]\\d{2}:\\d{2})");

    private static final long MAX_TOKENS = 1_000_000_000L;

    private final FieldLookup node;
    /** A root's prefix of field names in violations; {@code null} for a nested object (see {@link #prefix()}). */
    private final String prefix;
    /** The object this one is a field of, and that field's name; {@code null} for a root. */
    private final JsonFields parent;
    private final String name;
    private final Integer index;
    private final List<Violation> violations;

    JsonFields(JsonNode node, String prefix, Integer index, List<Violation> violations) {
        this(FieldLookup.tree(node), prefix, index, violations);
    }

    JsonFields(FieldLookup node, String prefix, Integer index, List<Violation> violations) {
        this(node, prefix, null, null, index, violations);
    }

    private JsonFields(FieldLookup node, String prefix, JsonFields parent, String name, Integer index,
            List<Violation> violations) {
        this.node = node;
        this.prefix = prefix;
        this.parent = parent;
        this.name = name;
        this.index = index;
        this.violations = violations;
    }

    /** A nested object's fields, under {@code field}. */
    private JsonFields nested(FieldLookup object, String field) {
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
            return nested(FieldLookup.EMPTY, field);
        }
        if (!(v instanceof FieldLookup object)) {
            reject(field, "must be an object");
            return nested(FieldLookup.EMPTY, field);
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
            reject(field, "must consist of " + chars.description());
            return null;
        }
        return s;
    }

    String id(String field, boolean required, int maxLength) {
        return string(field, required, maxLength, Chars.ID);
    }

    /**
     * An RFC 3339 date-time with an offset and at most millisecond precision. The codec's own form is read by
     * {@link JsonScalars#utcInstant}; every other form by {@link #RFC3339_MILLIS} and the JDK's parser.
     */
    Instant timestamp(String field, boolean required) {
        String s = string(field, required, 40, null);
        if (s == null) {
            return null;
        }
        Instant utc = JsonScalars.utcInstant(s);
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
            amount = JsonScalars.decimal(s);
            if (amount == null) {
                reject(field, "must be a decimal number with at most " + JsonScalars.MONEY_FRACTION_DIGITS
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
            if (amount.stripTrailingZeros().scale() > JsonScalars.MONEY_FRACTION_DIGITS) {
                reject(field, "must have at most " + JsonScalars.MONEY_FRACTION_DIGITS + " fraction digits");
                return null;
            }
        }
        if (amount.compareTo(min) < 0 || amount.compareTo(max) > 0) {
            reject(field, "must be between " + min.toPlainString() + " and " + max.toPlainString());
            return null;
        }
        return amount.setScale(JsonScalars.MONEY_FRACTION_DIGITS);
    }
}
