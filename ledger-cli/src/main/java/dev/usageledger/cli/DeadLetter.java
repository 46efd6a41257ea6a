package dev.usageledger.cli;

import dev.usageledger.projections.projector.Projector;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One record of the dead-letter topic, as usage-consumer published it: the original key and value, and the headers
 * with the reason ({@value Projector#REASON_HEADER}, plus Spring Kafka's {@code kafka_dlt-*} headers).
 *
 * @param id the record's place in the dead-letter topic, {@code <partition>:<offset>}: what {@code show} and
 *           {@code republish} take
 */
record DeadLetter(String id, int partition, long offset, Instant timestamp, String key, byte[] value,
        List<Map.Entry<String, byte[]>> headers) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SPRING_REASON_HEADER = "kafka_dlt-exception-message";

    /** The reason it was dead-lettered: the ledger's header, else Spring Kafka's exception message, else "-". */
    String reason() {
        String reason = header(Projector.REASON_HEADER);
        if (reason == null) {
            reason = header(SPRING_REASON_HEADER);
        }
        return reason == null ? "-" : reason.replace('\n', ' ');
    }

    /** The last header of that name as UTF-8 text, or {@code null}. */
    String header(String name) {
        String found = null;
        for (Map.Entry<String, byte[]> h : headers) {
            if (h.getKey().equals(name) && h.getValue() != null) {
                found = new String(h.getValue(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    /** {@code requestId} or {@code adjustmentId} of the value when it is a JSON object naming one, else "-". */
    String eventId() {
        JsonNode json = json();
        for (String field : new String[] {"requestId", "adjustmentId"}) {
            if (json != null && json.path(field).isString()) {
                return json.path(field).asString();
            }
        }
        return "-";
    }

    /** The value's {@code type} when it is a JSON object naming one, else "-". */
    String type() {
        JsonNode json = json();
        return json != null && json.path("type").isString() ? json.path("type").asString() : "-";
    }

    String valueText() {
        return value == null ? "(null)" : new String(value, StandardCharsets.UTF_8);
    }

    private JsonNode json() {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
