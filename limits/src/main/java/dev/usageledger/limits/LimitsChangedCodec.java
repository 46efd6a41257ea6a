package dev.usageledger.limits;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of {@link LimitsChanged}:
 * {@code {"type":"limits.changed","schemaVersion":1,"apiKeyId":"key_7f3a","updatedAt":"2026-11-22T10:15:30.123Z"}}.
 * A reader accepts any schema version of this type (a newer one only adds fields, and all a reader needs is the key)
 * and rejects anything else with {@link IllegalArgumentException}. Thread-safe.
 */
public final class LimitsChangedCodec {

    private final JsonMapper mapper = JsonMapper.builder().build();

    public byte[] encode(LimitsChanged event) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", LimitsChanged.TYPE);
        n.put("schemaVersion", event.schemaVersion());
        n.put("apiKeyId", event.apiKeyId());
        n.put("updatedAt", event.updatedAt().truncatedTo(ChronoUnit.MILLIS).toString());
        return mapper.writeValueAsBytes(n);
    }

    /** The event in {@code json}; {@link IllegalArgumentException} naming the fault when it is not one. */
    public LimitsChanged decode(byte[] json) {
        JsonNode n;
        try {
            n = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!LimitsChanged.TYPE.equals(text(n, "type"))) {
            throw new IllegalArgumentException("type: must be " + LimitsChanged.TYPE + ", was " + n.get("type"));
        }
        JsonNode version = n.get("schemaVersion");
        if (version == null || !version.isIntegralNumber() || version.asLong() < 1 || version.asLong() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("schemaVersion: must be a positive integer");
        }
        String apiKeyId = text(n, "apiKeyId");
        if (apiKeyId == null || apiKeyId.isEmpty()) {
            throw new IllegalArgumentException("apiKeyId: is required");
        }
        String updatedAt = text(n, "updatedAt");
        try {
            return new LimitsChanged(apiKeyId, Instant.parse(updatedAt == null ? "" : updatedAt), version.asInt());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("updatedAt: must be an RFC 3339 UTC instant, was " + updatedAt);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isString() ? v.stringValue() : null;
    }
}
