package dev.usageledger.limits;

import dev.usageledger.projections.event.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of {@link KeyLimits} and {@link CurrentUsage} (CONTRACT §4): integers as JSON integers, money as decimal
 * strings. {@link #parse} reads a {@code PUT} body: a missing or null field is 0 (false for {@code shadow}), except
 * {@code leaseSeconds}, which is {@link KeyLimits#DEFAULT_LEASE_SECONDS} when a concurrency limit is set and it is
 * missing or 0; an unknown field is rejected (a typo must not silently mean "unlimited"), and every broken rule names
 * its field.
 */
public final class KeyLimitsJson {

    private static final Pattern DECIMAL = Pattern.compile("\\d{1,16}(\\.\\d{1,10})?");
    private static final Set<String> FIELDS = Set.of("windowSeconds", "requestsPerWindow", "tokensPerWindow",
            "costPerWindowUsd", "concurrency", "leaseSeconds", "dailyCostUsd", "totalCostUsd", "weeklyCostUsd",
            "weeklyResetDay", "weeklyResetHour", "shadow");
    private static final long MAX_COUNT = 1_000_000_000_000_000L;

    private KeyLimitsJson() {}

    /** Either valid limits or the broken rules, never both. */
    public record Parsed(KeyLimits limits, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public static Parsed parse(JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(new Violation(null, "body", "must be a JSON object"));
            return new Parsed(null, violations);
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                violations.add(new Violation(null, e.getKey(), "is not a limit; known fields are " + FIELDS));
            }
        }
        Reader r = new Reader(body, violations);
        int windowSeconds = (int) r.integer("windowSeconds", 0, KeyLimits.MAX_WINDOW_SECONDS);
        long requests = r.integer("requestsPerWindow", 0, MAX_COUNT);
        long tokens = r.integer("tokensPerWindow", 0, MAX_COUNT);
        BigDecimal costPerWindow = r.money("costPerWindowUsd");
        int concurrency = (int) r.integer("concurrency", 0, 1_000_000);
        int leaseSeconds = (int) r.integer("leaseSeconds", 0, KeyLimits.MAX_LEASE_SECONDS);
        if (concurrency > 0 && leaseSeconds == 0) {
            leaseSeconds = KeyLimits.DEFAULT_LEASE_SECONDS;
        }
        BigDecimal daily = r.money("dailyCostUsd");
        BigDecimal total = r.money("totalCostUsd");
        BigDecimal weekly = r.money("weeklyCostUsd");
        int resetDay = (int) r.integer("weeklyResetDay", 0, 7);
        int resetHour = (int) r.integer("weeklyResetHour", 0, 23);
        boolean shadow = r.bool("shadow");
        if (violations.isEmpty()) {
            if ((requests > 0 || tokens > 0 || costPerWindow.signum() > 0) && windowSeconds == 0) {
                violations.add(new Violation(null, "windowSeconds",
                        "must be between 1 and " + KeyLimits.MAX_WINDOW_SECONDS + " when a window limit is set"));
            }
        }
        if (!violations.isEmpty()) {
            return new Parsed(null, List.copyOf(violations));
        }
        return new Parsed(new KeyLimits(windowSeconds, requests, tokens, costPerWindow, concurrency, leaseSeconds,
                daily, total, weekly, resetDay, resetHour, shadow), List.of());
    }

    public static ObjectNode write(KeyLimits l) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("windowSeconds", l.windowSeconds());
        o.put("requestsPerWindow", l.requestsPerWindow());
        o.put("tokensPerWindow", l.tokensPerWindow());
        o.put("costPerWindowUsd", l.costPerWindowUsd().toPlainString());
        o.put("concurrency", l.concurrency());
        o.put("leaseSeconds", l.leaseSeconds());
        o.put("dailyCostUsd", l.dailyCostUsd().toPlainString());
        o.put("totalCostUsd", l.totalCostUsd().toPlainString());
        o.put("weeklyCostUsd", l.weeklyCostUsd().toPlainString());
        o.put("weeklyResetDay", l.weeklyResetDay());
        o.put("weeklyResetHour", l.weeklyResetHour());
        o.put("shadow", l.shadow());
        return o;
    }

    public static ObjectNode write(CurrentUsage u) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("windowRequests", u.windowRequests());
        o.put("windowTokens", u.windowTokens());
        o.put("windowCostUsd", u.windowCostUsd().toPlainString());
        o.put("dailyCostUsd", u.dailyCostUsd().toPlainString());
        o.put("weeklyCostUsd", u.weeklyCostUsd().toPlainString());
        o.put("totalCostUsd", u.totalCostUsd().toPlainString());
        o.put("activeLeases", u.activeLeases());
        return o;
    }

    private static final class Reader {
        private final JsonNode body;
        private final List<Violation> violations;

        Reader(JsonNode body, List<Violation> violations) {
            this.body = body;
            this.violations = violations;
        }

        private JsonNode value(String field) {
            JsonNode v = body.get(field);
            return v == null || v.isNull() ? null : v;
        }

        private void reject(String field, String message) {
            violations.add(new Violation(null, field, message));
        }

        long integer(String field, long min, long max) {
            JsonNode v = value(field);
            if (v == null) {
                return 0;
            }
            if (!v.isIntegralNumber()) {
                reject(field, "must be a JSON integer");
                return 0;
            }
            BigInteger n = v.bigIntegerValue();
            if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
                reject(field, "must be between " + min + " and " + max);
                return 0;
            }
            return n.longValue();
        }

        boolean bool(String field) {
            JsonNode v = value(field);
            if (v == null) {
                return false;
            }
            if (!v.isBoolean()) {
                reject(field, "must be true or false");
                return false;
            }
            return v.booleanValue();
        }

        BigDecimal money(String field) {
            JsonNode v = value(field);
            if (v == null) {
                return BigDecimal.ZERO;
            }
            BigDecimal amount;
            if (v.isString()) {
                String s = v.stringValue();
                if (!DECIMAL.matcher(s).matches()) {
                    reject(field, "must be a non-negative decimal with at most 10 fraction digits, e.g. \"12.5\"");
                    return BigDecimal.ZERO;
                }
                amount = new BigDecimal(s);
            } else if (v.isNumber()) {
                amount = v.decimalValue();
            } else {
                reject(field, "must be a decimal string or a JSON number");
                return BigDecimal.ZERO;
            }
            if (amount.signum() < 0 || amount.compareTo(UsdUnits.MAX_USD) > 0
                    || amount.stripTrailingZeros().scale() > UsdUnits.SCALE) {
                reject(field, "must be between 0 and " + UsdUnits.MAX_USD.toPlainString()
                        + " with at most 10 fraction digits");
                return BigDecimal.ZERO;
            }
            return amount;
        }
    }
}
