package dev.usageledger.projections.event;

import dev.usageledger.projections.value.ModelNames;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Validates relay and admin input against CONTRACT §1 and §2. Pure: {@code now} is passed in.
 *
 * <p>A batch is all or nothing: {@link Parsed#violations()} lists every broken rule of every event,
 * and {@link Parsed#value()} is {@code null} as soon as there is one.
 */
public final class InputParser {

    private static final BigDecimal MAX_COST = new BigDecimal("1000000");
    private static final BigDecimal MAX_ADJUSTMENT = new BigDecimal("1000000");

    private final InputRules rules;

    public InputParser(InputRules rules) {
        this.rules = rules;
    }

    public InputRules rules() {
        return rules;
    }

    /** The outcome of a parse: a value, or the violations that prevented it. */
    public record Parsed<T>(T value, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    /** Parses {@code {"events": [...]}} read into a tree. The caller enforces the event-count limit (413) beforehand. */
    public Parsed<List<UsageReport>> usageBatch(JsonNode root, Instant now) {
        return usageBatch(InputBody.of(root), now);
    }

    /** Parses {@code {"events": [...]}}. The caller enforces the event-count limit (413) beforehand. */
    public Parsed<List<UsageReport>> usageBatch(InputBody body, Instant now) {
        List<Violation> violations = new ArrayList<>();
        FieldLookup root = body.root();
        if (root == null) {
            violations.add(new Violation(null, "events", "the body must be a JSON object with an events array"));
            return new Parsed<>(null, violations);
        }
        Object value = root.get("events");
        if (value == null) {
            violations.add(new Violation(null, "events", "is required"));
            return new Parsed<>(null, violations);
        }
        if (!(value instanceof List<?> events)) {
            violations.add(new Violation(null, "events", "must be an array"));
            return new Parsed<>(null, violations);
        }
        if (events.isEmpty()) {
            violations.add(new Violation(null, "events", "must hold 1 to " + rules.maxBatchEvents() + " events"));
            return new Parsed<>(null, violations);
        }
        List<UsageReport> reports = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            if (!(events.get(i) instanceof FieldLookup event)) {
                violations.add(new Violation(i, "events[" + i + "]", "must be an object"));
                continue;
            }
            UsageReport report = usageReport(new JsonFields(event, "", i, violations), now);
            if (report != null) {
                reports.add(report);
            }
        }
        return violations.isEmpty() ? new Parsed<>(List.copyOf(reports), List.of()) : new Parsed<>(null, violations);
    }

    private UsageReport usageReport(JsonFields f, Instant now) {
        int before = f.violations().size();
        String requestId = f.id("requestId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        if (occurredAt != null) {
            checkAge(f, "occurredAt", occurredAt, now, true);
        }
        String apiKeyId = f.id("apiKeyId", true, 64);
        String reportedModel = f.model("model", true);
        TokenUsage usage = f.usage(false);
        JsonFields.Details d = f.details();
        BigDecimal realUsd = null;
        BigDecimal ratedUsd = null;
        if (f.has("cost")) {
            JsonFields c = f.object("cost", false);
            realUsd = c.money("realUsd", true, BigDecimal.ZERO, MAX_COST);
            ratedUsd = c.money("ratedUsd", true, BigDecimal.ZERO, MAX_COST);
        }
        if (f.violations().size() != before) {
            return null;
        }
        return new UsageReport(requestId, occurredAt, apiKeyId, d.accountId(), d.accountType(),
                ModelNames.normalise(reportedModel), reportedModel, usage, d.serviceTier(), d.longContext(),
                d.endpoint(), d.statusCode(), d.stream(), d.durationMs(), realUsd, ratedUsd);
    }

    /** Parses a {@code POST /v1/cost-adjustments} body. */
    public Parsed<CostAdjustmentRequest> costAdjustment(JsonNode root, Instant now) {
        List<Violation> violations = new ArrayList<>();
        if (root == null || !root.isObject()) {
            violations.add(new Violation(null, "adjustmentId", "the body must be a JSON object"));
            return new Parsed<>(null, violations);
        }
        JsonFields f = new JsonFields(root, "", null, violations);
        String adjustmentId = f.id("adjustmentId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        if (occurredAt != null) {
            checkAge(f, "occurredAt", occurredAt, now, false);
        }
        String apiKeyId = f.id("apiKeyId", true, 64);
        String accountId = f.id("accountId", false, 64);
        String model = f.model("model", false);
        BigDecimal realUsd = f.money("realUsd", true, MAX_ADJUSTMENT.negate(), MAX_ADJUSTMENT);
        BigDecimal ratedUsd = f.money("ratedUsd", true, MAX_ADJUSTMENT.negate(), MAX_ADJUSTMENT);
        String reason = f.string("reason", false, 512, null);
        String requestId = f.id("requestId", false, 128);
        if (!violations.isEmpty()) {
            return new Parsed<>(null, violations);
        }
        String normalisedModel = model == null || model.equals(CostAdjusted.ANY_MODEL)
                ? CostAdjusted.ANY_MODEL : ModelNames.normalise(model);
        return new Parsed<>(new CostAdjustmentRequest(adjustmentId, occurredAt, apiKeyId, accountId, normalisedModel,
                realUsd, ratedUsd, reason, requestId), List.of());
    }

    private void checkAge(JsonFields f, String field, Instant occurredAt, Instant now, boolean enforceMaxAge) {
        if (occurredAt.isAfter(now.plus(rules.maxClockSkew()))) {
            f.reject(field, "is more than " + rules.maxClockSkew().toMinutes() + " minutes in the future");
        } else if (enforceMaxAge && occurredAt.isBefore(now.minus(rules.maxEventAge()))) {
            f.reject(field, "is older than the maximum event age of " + rules.maxEventAge().toDays()
                    + " days (import history with the import tool)");
        }
    }
}
