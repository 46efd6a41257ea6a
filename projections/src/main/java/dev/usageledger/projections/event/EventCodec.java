package dev.usageledger.projections.event;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
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
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
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
    private static final BigDecimal MIN_USD = MAX_ABS_USD.negate();
    /** A usage event with a breakdown is ~700 bytes. */
    private static final int ENCODED_SIZE_HINT = 1024;

    // Property names, quoted and UTF-8 encoded once: they are written for every event ingested.
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString SCHEMA_VERSION = new SerializedString("schemaVersion");
    private static final SerializableString REQUEST_ID = new SerializedString("requestId");
    private static final SerializableString OCCURRED_AT = new SerializedString("occurredAt");
    private static final SerializableString API_KEY_ID = new SerializedString("apiKeyId");
    private static final SerializableString MODEL = new SerializedString("model");
    private static final SerializableString REPORTED_MODEL = new SerializedString("reportedModel");
    private static final SerializableString INPUT_TOKENS = new SerializedString("inputTokens");
    private static final SerializableString OUTPUT_TOKENS = new SerializedString("outputTokens");
    private static final SerializableString CACHE_CREATE_TOKENS = new SerializedString("cacheCreateTokens");
    private static final SerializableString EPHEMERAL5M_TOKENS = new SerializedString("ephemeral5mTokens");
    private static final SerializableString EPHEMERAL1H_TOKENS = new SerializedString("ephemeral1hTokens");
    private static final SerializableString CACHE_READ_TOKENS = new SerializedString("cacheReadTokens");
    private static final SerializableString LONG_CONTEXT = new SerializedString("longContext");
    private static final SerializableString STATUS_CODE = new SerializedString("statusCode");
    private static final SerializableString STREAM = new SerializedString("stream");
    private static final SerializableString DURATION_MS = new SerializedString("durationMs");
    private static final SerializableString REAL_USD = new SerializedString("realUsd");
    private static final SerializableString RATED_USD = new SerializedString("ratedUsd");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString PRICING_VERSION = new SerializedString("pricingVersion");
    private static final SerializableString INPUT_USD = new SerializedString("inputUsd");
    private static final SerializableString OUTPUT_USD = new SerializedString("outputUsd");
    private static final SerializableString CACHE_WRITE5M_USD = new SerializedString("cacheWrite5mUsd");
    private static final SerializableString CACHE_WRITE1H_USD = new SerializedString("cacheWrite1hUsd");
    private static final SerializableString CACHE_READ_USD = new SerializedString("cacheReadUsd");
    private static final SerializableString ADJUSTMENT_ID = new SerializedString("adjustmentId");
    private static final SerializableString USAGE = new SerializedString("usage");
    private static final SerializableString COST = new SerializedString("cost");
    private static final SerializableString BREAKDOWN = new SerializedString("breakdown");
    private static final SerializableString ACCOUNT_ID = new SerializedString("accountId");
    private static final SerializableString ACCOUNT_TYPE = new SerializedString("accountType");
    private static final SerializableString SERVICE_TIER = new SerializedString("serviceTier");
    private static final SerializableString ENDPOINT = new SerializedString("endpoint");
    private static final SerializableString RELAY_ID = new SerializedString("relayId");
    private static final SerializableString RECEIVED_AT = new SerializedString("receivedAt");
    private static final SerializableString REASON = new SerializedString("reason");
    private static final SerializableString REQUESTED_BY = new SerializedString("requestedBy");

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
        writeStringProperty(g, TYPE, event.type());
        writeNumberProperty(g, SCHEMA_VERSION, event.schemaVersion());
        if (event instanceof UsageRecorded u) {
            writeStringProperty(g, REQUEST_ID, u.requestId());
            writeStringProperty(g, OCCURRED_AT, iso(u.occurredAt()));
            writeStringProperty(g, API_KEY_ID, u.apiKeyId());
            writeOptional(g, ACCOUNT_ID, u.accountId());
            writeOptional(g, ACCOUNT_TYPE, u.accountType());
            writeStringProperty(g, MODEL, u.model());
            writeStringProperty(g, REPORTED_MODEL, u.reportedModel());
            g.writeName(USAGE);
            g.writeStartObject();
            TokenUsage t = u.usage();
            writeNumberProperty(g, INPUT_TOKENS, t.input());
            writeNumberProperty(g, OUTPUT_TOKENS, t.output());
            writeNumberProperty(g, CACHE_CREATE_TOKENS, t.cacheCreate());
            writeNumberProperty(g, EPHEMERAL5M_TOKENS, t.ephemeral5m());
            writeNumberProperty(g, EPHEMERAL1H_TOKENS, t.ephemeral1h());
            writeNumberProperty(g, CACHE_READ_TOKENS, t.cacheRead());
            g.writeEndObject();
            writeOptional(g, SERVICE_TIER, u.serviceTier());
            writeBooleanProperty(g, LONG_CONTEXT, u.longContext());
            writeOptional(g, ENDPOINT, u.endpoint());
            if (u.statusCode() != null) {
                writeNumberProperty(g, STATUS_CODE, u.statusCode().intValue());
            }
            if (u.stream() != null) {
                writeBooleanProperty(g, STREAM, u.stream());
            }
            if (u.durationMs() != null) {
                writeNumberProperty(g, DURATION_MS, u.durationMs().longValue());
            }
            writeOptional(g, RELAY_ID, u.relayId());
            writeOptional(g, RECEIVED_AT, iso(u.receivedAt()));
            AssessedCost c = u.cost();
            g.writeName(COST);
            g.writeStartObject();
            writeStringProperty(g, REAL_USD, c.realUsd().toPlainString());
            writeStringProperty(g, RATED_USD, c.ratedUsd().toPlainString());
            writeStringProperty(g, SOURCE, c.source().wireName());
            writeStringProperty(g, PRICING_VERSION, c.pricingVersion());
            if (c.breakdown() != null) {
                CostBreakdown b = c.breakdown();
                g.writeName(BREAKDOWN);
                g.writeStartObject();
                writeStringProperty(g, INPUT_USD, b.input().toPlainString());
                writeStringProperty(g, OUTPUT_USD, b.output().toPlainString());
                writeStringProperty(g, CACHE_WRITE5M_USD, b.cacheWrite5m().toPlainString());
                writeStringProperty(g, CACHE_WRITE1H_USD, b.cacheWrite1h().toPlainString());
                writeStringProperty(g, CACHE_READ_USD, b.cacheRead().toPlainString());
                g.writeEndObject();
            }
            g.writeEndObject();
        } else if (event instanceof CostAdjusted a) {
            writeStringProperty(g, ADJUSTMENT_ID, a.adjustmentId());
            writeStringProperty(g, OCCURRED_AT, iso(a.occurredAt()));
            writeStringProperty(g, API_KEY_ID, a.apiKeyId());
            writeOptional(g, ACCOUNT_ID, a.accountId());
            writeStringProperty(g, MODEL, a.model());
            writeStringProperty(g, REAL_USD, a.realUsd().toPlainString());
            writeStringProperty(g, RATED_USD, a.ratedUsd().toPlainString());
            writeOptional(g, REASON, a.reason());
            writeOptional(g, REQUESTED_BY, a.requestedBy());
            writeOptional(g, RECEIVED_AT, iso(a.receivedAt()));
        }
        g.writeEndObject();
    }

    /** RFC 3339 in UTC, at most millisecond precision (what {@link JsonFields#timestamp} accepts). */
    static String iso(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void writeOptional(JsonGenerator g, SerializableString field, String value) {
        if (value != null) {
            writeStringProperty(g, field, value);
        }
    }

    private static void writeStringProperty(JsonGenerator g, SerializableString field, String value) {
        g.writeName(field);
        g.writeString(value);
    }

    private static void writeNumberProperty(JsonGenerator g, SerializableString field, long value) {
        g.writeName(field);
        g.writeNumber(value);
    }

    private static void writeBooleanProperty(JsonGenerator g, SerializableString field, boolean value) {
        g.writeName(field);
        g.writeBoolean(value);
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

    private UsageRecorded usageRecorded(JsonFields f, int version) {
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

    private CostAdjusted costAdjusted(JsonFields f, int version) {
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
        if (!f.violations().isEmpty()) {
            return null;
        }
        return new CostAdjusted(version, adjustmentId, occurredAt, apiKeyId, accountId, model, real, rated, reason,
                requestedBy, receivedAt);
    }
}
