package dev.usageledger.projections.event;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads one message's root object as a {@link LedgerEvent}, as strictly as ingest reads relay input: every
 * {@link JsonFields} rule applies, and a message that is not a valid event raises {@link EventDecodingException}
 * naming the fields at fault. The same rules whichever parser answered the {@link FieldLookup}.
 */
final class EventReader {

    private static final BigDecimal MAX_ABS_USD = new BigDecimal("1000000");
    private static final BigDecimal MIN_USD = MAX_ABS_USD.negate();

    private EventReader() {}

    /** The event {@code root} holds; never {@code null}. */
    static LedgerEvent read(FieldLookup root) {
        List<Violation> violations = new ArrayList<>();
        JsonFields f = new JsonFields(root, "", null, violations);
        String type = f.string("type", true, 32, null);
        Long version = f.integer("schemaVersion", 1, Integer.MAX_VALUE);
        if (!violations.isEmpty()) {
            throw invalid(violations);
        }
        if (version == null) {
            throw new EventDecodingException("schemaVersion: is required");
        }
        if (version > LedgerEvent.CURRENT_SCHEMA_VERSION) {
            throw new EventDecodingException("schemaVersion " + version + " of " + type
                    + " is newer than this reader knows (" + LedgerEvent.CURRENT_SCHEMA_VERSION + ")");
        }
        LedgerEvent event = switch (type) {
            case UsageRecorded.TYPE -> usageRecorded(f, version.intValue());
            case CostAdjusted.TYPE -> costAdjusted(f, version.intValue());
            default -> throw new EventDecodingException("unknown event type: " + type);
        };
        if (!violations.isEmpty()) {
            throw invalid(violations);
        }
        return event;
    }

    private static EventDecodingException invalid(List<Violation> violations) {
        return new EventDecodingException(violations.stream()
                .map(v -> v.field() + ": " + v.message())
                .collect(Collectors.joining("; ")));
    }

    private static UsageRecorded usageRecorded(JsonFields f, int version) {
        String requestId = f.id("requestId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        String apiKeyId = f.id("apiKeyId", true, 64);
        String model = f.model("model", true);
        String reportedModel = f.model("reportedModel", false);
        TokenUsage usage = f.usage(true);
        JsonFields.Details d = f.details();
        String relayId = f.string("relayId", false, 256, null);
        Instant receivedAt = f.has("receivedAt") ? f.timestamp("receivedAt", false) : null;
        JsonFields c = f.object("cost", true);
        BigDecimal real = c.money("realUsd", true, BigDecimal.ZERO, MAX_ABS_USD);
        BigDecimal rated = c.money("ratedUsd", true, BigDecimal.ZERO, MAX_ABS_USD);
        String sourceName = c.string("source", true, 16, null);
        String pricingVersion = c.string("pricingVersion", true, 128, null);
        PricingSource source = null;
        if (sourceName != null) {
            try {
                source = PricingSource.fromWireName(sourceName);
            } catch (IllegalArgumentException e) {
                c.reject("source", e.getMessage());
            }
        }
        CostBreakdown breakdown = null;
        if (c.has("breakdown")) {
            JsonFields b = c.object("breakdown", false);
            BigDecimal inputUsd = b.money("inputUsd", true, MIN_USD, MAX_ABS_USD);
            BigDecimal outputUsd = b.money("outputUsd", true, MIN_USD, MAX_ABS_USD);
            BigDecimal write5mUsd = b.money("cacheWrite5mUsd", true, MIN_USD, MAX_ABS_USD);
            BigDecimal write1hUsd = b.money("cacheWrite1hUsd", true, MIN_USD, MAX_ABS_USD);
            BigDecimal readUsd = b.money("cacheReadUsd", true, MIN_USD, MAX_ABS_USD);
            // A broken part is a violation (null here), never a NullPointerException from CostBreakdown.
            if (inputUsd != null && outputUsd != null && write5mUsd != null && write1hUsd != null
                    && readUsd != null) {
                breakdown = new CostBreakdown(inputUsd, outputUsd, write5mUsd, write1hUsd, readUsd);
            }
        }
        if (!f.violations().isEmpty()) {
            return null;
        }
        return new UsageRecorded(version, requestId, occurredAt, apiKeyId, d.accountId(), d.accountType(), model,
                reportedModel == null ? model : reportedModel, usage, d.serviceTier(), d.longContext(),
                d.endpoint(), d.statusCode(), d.stream(), d.durationMs(), relayId, receivedAt,
                new AssessedCost(real, rated, breakdown, source, pricingVersion));
    }

    private static CostAdjusted costAdjusted(JsonFields f, int version) {
        String adjustmentId = f.id("adjustmentId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        String apiKeyId = f.id("apiKeyId", true, 64);
        String accountId = f.id("accountId", false, 64);
        String model = f.model("model", true);
        BigDecimal real = f.money("realUsd", true, MIN_USD, MAX_ABS_USD);
        BigDecimal rated = f.money("ratedUsd", true, MIN_USD, MAX_ABS_USD);
        String reason = f.string("reason", false, 512, null);
        String requestedBy = f.string("requestedBy", false, 256, null);
        Instant receivedAt = f.has("receivedAt") ? f.timestamp("receivedAt", false) : null;
        String requestId = EventUpcaster.adjustedRequestId(f, version);
        if (!f.violations().isEmpty()) {
            return null;
        }
        return new CostAdjusted(version, adjustmentId, occurredAt, apiKeyId, accountId, model, real, rated, reason,
                requestedBy, receivedAt, requestId);
    }
}
