package dev.usageledger.relayapi.it;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON bodies for the API, built as trees so a test can break exactly one rule. */
final class Events {

    private Events() {}

    static String uniqueId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The CONTRACT §1 example, without the relay's cost, occurring a minute ago. */
    static ObjectNode usage(String requestId, String apiKeyId) {
        ObjectNode e = Api.JSON.createObjectNode();
        e.put("requestId", requestId);
        e.put("occurredAt", Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).toString());
        e.put("apiKeyId", apiKeyId);
        e.put("accountId", "acc_claude_12");
        e.put("accountType", "claude-official");
        e.put("model", "claude-sonnet-4-5-20250929");
        ObjectNode usage = e.putObject("usage");
        usage.put("inputTokens", 1200);
        usage.put("outputTokens", 350);
        usage.put("cacheCreateTokens", 4000);
        usage.put("ephemeral5mTokens", 3000);
        usage.put("ephemeral1hTokens", 1000);
        usage.put("cacheReadTokens", 20000);
        e.put("serviceTier", "standard");
        e.put("longContext", false);
        e.put("endpoint", "/v1/messages");
        e.put("statusCode", 200);
        e.put("stream", true);
        e.put("durationMs", 5234);
        return e;
    }

    static String batch(List<ObjectNode> events) {
        ObjectNode root = Api.JSON.createObjectNode();
        ArrayNode array = root.putArray("events");
        events.forEach(array::add);
        return Api.JSON.writeValueAsString(root);
    }

    static String batch(ObjectNode... events) {
        return batch(List.of(events));
    }

    /** The CONTRACT §2 example, with a fresh id. */
    static ObjectNode adjustment(String adjustmentId, String apiKeyId) {
        ObjectNode a = Api.JSON.createObjectNode();
        a.put("adjustmentId", adjustmentId);
        a.put("apiKeyId", apiKeyId);
        a.put("accountId", "acc_claude_12");
        a.put("occurredAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        a.put("realUsd", "-1.25");
        a.put("ratedUsd", "-1.50");
        a.put("reason", "credit for outage");
        return a;
    }
}
