package dev.usageledger.projections.event;

import dev.usageledger.projections.pricing.CostBreakdown;
import dev.usageledger.projections.pricing.PricingSource;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
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
    /** A usage event with a breakdown is ~700 bytes. */
    private static final int ENCODED_SIZE_HINT = 1024;

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

    /**
     * The event's JSON, written straight to bytes (no tree in between: this runs for every event ingested). The only
     * place the wire form is written; {@link #toJson} reads it back.
     */
    public byte[] encode(LedgerEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ENCODED_SIZE_HINT);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            write(g, event);
        }
        return out.toByteArray();
    }

    /** The event's JSON as a tree, exactly as {@link #encode} writes it (for tests and tools). */
    public ObjectNode toJson(LedgerEvent event) {
        return (ObjectNode) mapper.readTree(encode(event));
    }

    private static void write(JsonGenerator g, LedgerEvent event) {
        g.writeStartObject();
        g.writeStringProperty("type", event.type());
        g.writeNumberProperty("schemaVersion", event.schemaVersion());
        if (event instanceof UsageRecorded u) {
            g.writeStringProperty("requestId", u.requestId());
            g.writeStringProperty("occurredAt", iso(u.occurredAt()));
            g.writeStringProperty("apiKeyId", u.apiKeyId());
            writeOptional(g, "accountId", u.accountId());
            writeOptional(g, "accountType", u.accountType());
            g.writeStringProperty("model", u.model());
            g.writeStringProperty("reportedModel", u.reportedModel());
            g.writeObjectPropertyStart("usage");
            TokenUsage t = u.usage();
            g.writeNumberProperty("inputTokens", t.input());
            g.writeNumberProperty("outputTokens", t.output());
            g.writeNumberProperty("cacheCreateTokens", t.cacheCreate());
            g.writeNumberProperty("ephemeral5mTokens", t.ephemeral5m());
            g.writeNumberProperty("ephemeral1hTokens", t.ephemeral1h());
            g.writeNumberProperty("cacheReadTokens", t.cacheRead());
            g.writeEndObject();
            writeOptional(g, "serviceTier", u.serviceTier());
            g.writeBooleanProperty("longContext", u.longContext());
            writeOptional(g, "endpoint", u.endpoint());
            if (u.statusCode() != null) {
                g.writeNumberProperty("statusCode", u.statusCode().intValue());
            }
            if (u.stream() != null) {
                g.writeBooleanProperty("stream", u.stream());
            }
            if (u.durationMs() != null) {
                g.writeNumberProperty("durationMs", u.durationMs().longValue());
            }
            writeOptional(g, "relayId", u.relayId());
            writeOptional(g, "receivedAt", iso(u.receivedAt()));
            AssessedCost c = u.cost();
            g.writeObjectPropertyStart("cost");
            g.writeStringProperty("realUsd", c.realUsd().toPlainString());
            g.writeStringProperty("ratedUsd", c.ratedUsd().toPlainString());
            g.writeStringProperty("source", c.source().wireName());
            g.writeStringProperty("pricingVersion", c.pricingVersion());
            if (c.breakdown() != null) {
                CostBreakdown b = c.breakdown();
                g.writeObjectPropertyStart("breakdown");
                g.writeStringProperty("inputUsd", b.input().toPlainString());
                g.writeStringProperty("outputUsd", b.output().toPlainString());
                g.writeStringProperty("cacheWrite5mUsd", b.cacheWrite5m().toPlainString());
                g.writeStringProperty("cacheWrite1hUsd", b.cacheWrite1h().toPlainString());
                g.writeStringProperty("cacheReadUsd", b.cacheRead().toPlainString());
                g.writeEndObject();
            }
            g.writeEndObject();
        } else if (event instanceof CostAdjusted a) {
            g.writeStringProperty("adjustmentId", a.adjustmentId());
            g.writeStringProperty("occurredAt", iso(a.occurredAt()));
            g.writeStringProperty("apiKeyId", a.apiKeyId());
            writeOptional(g, "accountId", a.accountId());
            g.writeStringProperty("model", a.model());
            g.writeStringProperty("realUsd", a.realUsd().toPlainString());
            g.writeStringProperty("ratedUsd", a.ratedUsd().toPlainString());
            writeOptional(g, "reason", a.reason());
            writeOptional(g, "requestedBy", a.requestedBy());
            writeOptional(g, "receivedAt", iso(a.receivedAt()));
        }
        g.writeEndObject();
    }

    /** RFC 3339 in UTC, at most millisecond precision (what {@link JsonFields#timestamp} accepts). */
    static String iso(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void writeOptional(JsonGenerator g, String field, String value) {
        if (value != null) {
            g.writeStringProperty(field, value);
        }
    }

    /**
     * Decodes one message value; never returns {@code null}. Reads the bytes with Jackson's streaming
     * parser (no {@code JsonNode} tree); the same rules, results and messages as {@link #decodeTree}.
     */
    public LedgerEvent decode(byte[] bytes) {
        return decode(bytes, StreamedObject::read);
    }

    /**
     * The decoder before streaming: the message read into a {@code JsonNode} tree first. Kept as the
     * reference {@link #decode} is tested against ({@code EventDecoderEquivalenceTest}).
     */
    LedgerEvent decodeTree(byte[] bytes) {
        return decode(bytes, (m, b) -> {
            JsonNode root = m.readTree(b);
            return root == null || !root.isObject() ? null : JsonFields.tree(root);
        });
    }

    /** {@code reader} answers the message's root object, or {@code null} when it holds no object. */
    private LedgerEvent decode(byte[] bytes, BiFunction<JsonMapper, byte[], JsonFields.Lookup> reader) {
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException("empty message");
        }
        JsonFields.Lookup root;
        try {
            root = reader.apply(mapper, bytes);
        } catch (JacksonException e) {
            throw new EventDecodingException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) {
            throw new EventDecodingException("not a JSON object");
        }
        return decode(root);
    }

    private LedgerEvent decode(JsonFields.Lookup root) {
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
