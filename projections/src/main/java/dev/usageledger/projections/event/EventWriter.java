package dev.usageledger.projections.event;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.TokenUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * Writes the wire form of {@link LedgerEvent}s: the only place it is written ({@link EventCodec#encode}). Money as
 * plain decimal strings, instants by {@link #iso}, optional fields left out when absent.
 */
final class EventWriter {

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

    private EventWriter() {}

    /** Writes one event as a JSON object to {@code g}. */
    static void write(JsonGenerator g, LedgerEvent event) {
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
            writeOptional(g, REQUEST_ID, a.requestId());
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
}
