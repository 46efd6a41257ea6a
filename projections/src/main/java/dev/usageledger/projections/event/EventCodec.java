package dev.usageledger.projections.event;

import dev.usageledger.projections.pricing.CostBreakdown;
import dev.usageledger.projections.pricing.PricingSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of {@link LedgerEvent}s on the topic. Thread-safe.
 *
 * <p>Money travels as decimal strings (never binary floating point); instants as RFC 3339 UTC with
 * milliseconds. Decoding is as strict as ingest: a message that does not decode to a valid event
 * raises {@link EventDecodingException} naming the fields at fault.
 */
public final class EventCodec {

    private static final BigDecimal MAX_ABS_USD = new BigDecimal("1000000");

    private final JsonMapper mapper;

    public EventCodec() {
        this(newMapper());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** A mapper that reads JSON numbers exactly ({@link BigDecimal}, never double). */
    public static JsonMapper newMapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .build();
    }

    public JsonMapper mapper() {
        return mapper;
    }

    public byte[] encode(LedgerEvent event) {
        return mapper.writeValueAsBytes(toJson(event));
    }

    public ObjectNode toJson(LedgerEvent event) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", event.type());
        n.put("schemaVersion", event.schemaVersion());
        if (event instanceof UsageRecorded u) {
                n.put("requestId", u.requestId());
                n.put("occurredAt", iso(u.occurredAt()));
                n.put("apiKeyId", u.apiKeyId());
                putOptional(n, "accountId", u.accountId());
                putOptional(n, "accountType", u.accountType());
                n.put("model", u.model());
                n.put("reportedModel", u.reportedModel());
                ObjectNode usage = n.putObject("usage");
                TokenUsage t = u.usage();
                usage.put("inputTokens", t.input());
                usage.put("outputTokens", t.output());
                usage.put("cacheCreateTokens", t.cacheCreate());
                usage.put("ephemeral5mTokens", t.ephemeral5m());
                usage.put("ephemeral1hTokens", t.ephemeral1h());
                usage.put("cacheReadTokens", t.cacheRead());
                putOptional(n, "serviceTier", u.serviceTier());
                n.put("longContext", u.longContext());
                putOptional(n, "endpoint", u.endpoint());
                if (u.statusCode() != null) {
                    n.put("statusCode", u.statusCode());
                }
                if (u.stream() != null) {
                    n.put("stream", u.stream());
                }
                if (u.durationMs() != null) {
                    n.put("durationMs", u.durationMs());
                }
                putOptional(n, "relayId", u.relayId());
                putOptional(n, "receivedAt", iso(u.receivedAt()));
                AssessedCost c = u.cost();
                ObjectNode cost = n.putObject("cost");
                cost.put("realUsd", c.realUsd().toPlainString());
                cost.put("ratedUsd", c.ratedUsd().toPlainString());
                cost.put("source", c.source().wireName());
                cost.put("pricingVersion", c.pricingVersion());
                if (c.breakdown() != null) {
                    CostBreakdown b = c.breakdown();
                    ObjectNode bn = cost.putObject("breakdown");
                    bn.put("inputUsd", b.input().toPlainString());
                    bn.put("outputUsd", b.output().toPlainString());
                    bn.put("cacheWrite5mUsd", b.cacheWrite5m().toPlainString());
                    bn.put("cacheWrite1hUsd", b.cacheWrite1h().toPlainString());
                    bn.put("cacheReadUsd", b.cacheRead().toPlainString());
                }
        } else if (event instanceof CostAdjusted a) {
                n.put("adjustmentId", a.adjustmentId());
                n.put("occurredAt", iso(a.occurredAt()));
                n.put("apiKeyId", a.apiKeyId());
                putOptional(n, "accountId", a.accountId());
                n.put("model", a.model());
                n.put("realUsd", a.realUsd().toPlainString());
                n.put("ratedUsd", a.ratedUsd().toPlainString());
                putOptional(n, "reason", a.reason());
                putOptional(n, "requestedBy", a.requestedBy());
                putOptional(n, "receivedAt", iso(a.receivedAt()));
        }
        return n;
    }

    /** RFC 3339 in UTC, at most millisecond precision (what {@link JsonFields#timestamp} accepts). */
    static String iso(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void putOptional(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    /** Decodes one message value; never returns {@code null}. */
    public LedgerEvent decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException("empty message");
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new EventDecodingException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new EventDecodingException("not a JSON object");
        }
        List<Violation> violations = new ArrayList<>();
        JsonFields f = new JsonFields(root, "", null, violations);
        String type = f.string("type", true, 32, null, null);
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

    private UsageRecorded usageRecorded(JsonFields f, int version) {
        String requestId = f.id("requestId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        String apiKeyId = f.id("apiKeyId", true, 64);
        String model = f.model("model", true);
        String reportedModel = f.model("reportedModel", false);
        TokenUsage usage = f.usage(true);
        JsonFields.Details d = f.details();
        String relayId = f.string("relayId", false, 256, null, null);
        Instant receivedAt = f.has("receivedAt") ? f.timestamp("receivedAt", false) : null;
        JsonFields c = f.object("cost", true);
        BigDecimal real = c.money("realUsd", true, BigDecimal.ZERO, MAX_ABS_USD);
        BigDecimal rated = c.money("ratedUsd", true, BigDecimal.ZERO, MAX_ABS_USD);
        String sourceName = c.string("source", true, 16, null, null);
        String pricingVersion = c.string("pricingVersion", true, 128, null, null);
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
            BigDecimal min = MAX_ABS_USD.negate();
            BigDecimal inputUsd = b.money("inputUsd", true, min, MAX_ABS_USD);
            BigDecimal outputUsd = b.money("outputUsd", true, min, MAX_ABS_USD);
            BigDecimal write5mUsd = b.money("cacheWrite5mUsd", true, min, MAX_ABS_USD);
            BigDecimal write1hUsd = b.money("cacheWrite1hUsd", true, min, MAX_ABS_USD);
            BigDecimal readUsd = b.money("cacheReadUsd", true, min, MAX_ABS_USD);
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

    private CostAdjusted costAdjusted(JsonFields f, int version) {
        String adjustmentId = f.id("adjustmentId", true, 128);
        Instant occurredAt = f.timestamp("occurredAt", true);
        String apiKeyId = f.id("apiKeyId", true, 64);
        String accountId = f.id("accountId", false, 64);
        String model = f.model("model", true);
        BigDecimal real = f.money("realUsd", true, MAX_ABS_USD.negate(), MAX_ABS_USD);
        BigDecimal rated = f.money("ratedUsd", true, MAX_ABS_USD.negate(), MAX_ABS_USD);
        String reason = f.string("reason", false, 512, null, null);
        String requestedBy = f.string("requestedBy", false, 256, null, null);
        Instant receivedAt = f.has("receivedAt") ? f.timestamp("receivedAt", false) : null;
        if (!f.violations().isEmpty()) {
            return null;
        }
        return new CostAdjusted(version, adjustmentId, occurredAt, apiKeyId, accountId, model, real, rated, reason,
                requestedBy, receivedAt);
    }
}
