package dev.usageledger.projections.event;

import static dev.usageledger.projections.event.JsonMutations.breakBytes;
import static dev.usageledger.projections.event.JsonMutations.set;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.InputParser.Parsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A usage batch read with the streaming parser ({@link InputJson#batch}, {@link InputBody#read}) against the tree it
 * replaced ({@link InputJson#tree}, then {@link InputParser#usageBatch(JsonNode, Instant)}): on generated batches, on
 * the same batches with a field of an event replaced by every kind of JSON value, on broken bytes and on odd bodies,
 * both give the same event count and the same reports, the same violations, or the same malformed body (the same
 * 400).
 */
class BatchParserEquivalenceTest {

    private static final long SEED = 20261123L;
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final JsonMapper JSON = EventCodec.newMapper();

    private final InputJson json = new InputJson();
    private final InputParser parser = new InputParser(InputRules.DEFAULTS);

    /** Every field path of a relay's event, and two nobody reads. */
    private static final List<String> PATHS = List.of("requestId", "occurredAt", "apiKeyId", "model", "usage",
            "usage.inputTokens", "usage.outputTokens", "usage.cacheCreateTokens", "usage.ephemeral5mTokens",
            "usage.ephemeral1hTokens", "usage.cacheReadTokens", "accountId", "accountType", "serviceTier",
            "longContext", "endpoint", "statusCode", "stream", "durationMs", "cost", "cost.realUsd", "cost.ratedUsd",
            "unknown", "usage.unknown");

    /** Replacement values: every JSON kind, edge numbers, and strings that break or meet the rules. */
    private static final List<String> VALUES = List.of("null", "true", "false", "0", "-0", "1", "-1", "599", "600",
            "1000000000", "1000000001", "2147483647", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901234567890", "1.5", "1.0", "1e3", "1E-11", "-0.5",
            "0.0000000001", "0.00000000001", "1000000", "1000000.0000000001", "\"\"", "\"x\"", "\"12\"",
            "\"0.0123\"", "\"-1.25\"", "\"0.12345678901\"", "\"1e3\"", "\"req 1\"", "\"k\u00e9y\"",
            "\"2026-11-22T10:15:30.123Z\"", "\"2026-11-22t10:15:30z\"", "\"2026-11-22T10:15:30.123+01:00\"",
            "\"2026-02-30T10:15:30Z\"", "\"2026-11-22T10:15:30.1234Z\"", "\"2026-11-22T12:10:00Z\"",
            "\"2026-09-01T00:00:00Z\"", "\"" + "a".repeat(129) + "\"", "[]", "[1, \"a\", {}]", "{}",
            "{\"inputTokens\": 5}", "{\"a\": [1, {\"b\": null}]}", "{\"realUsd\": \"1\", \"ratedUsd\": 2}");

    static Stream<Long> seeds() {
        return Stream.iterate(SEED, s -> s + 1).limit(40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readsGeneratedBatchesAndTheirMutationsLikeTheTree(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 25; i++) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode events = body.putArray("events");
            int n = 1 + random.nextInt(20);
            for (int e = 0; e < n; e++) {
                events.add(randomEvent(random, seed + "_" + i + "_" + e));
            }
            byte[] valid = JSON.writeValueAsBytes(body);
            Parsed<List<UsageReport>> parsed = parser.usageBatch(json.batch(valid), NOW);
            assertThat(parsed.valid()).as(parsed.violations().toString()).isTrue();
            assertThat(parsed.value()).hasSize(n);
            assertSameOutcome(valid);

            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                ObjectNode event = (ObjectNode) events.get(random.nextInt(n));
                set(event, PATHS.get(random.nextInt(PATHS.size())), VALUES.get(random.nextInt(VALUES.size())));
            }
            byte[] mutated = JSON.writeValueAsBytes(body);
            assertSameOutcome(mutated);
            assertSameOutcome(breakBytes(mutated, random));
        }
    }

    @Test
    void everyFieldWithEveryKindOfValueGivesTheSameOutcome() {
        Random random = new Random(SEED);
        for (String path : PATHS) {
            for (String value : VALUES) {
                ObjectNode body = JSON.createObjectNode();
                ArrayNode events = body.putArray("events");
                events.add(randomEvent(random, "a"));
                events.add(set(randomEvent(random, "b"), path, value));
                assertSameOutcome(JSON.writeValueAsBytes(body));
            }
            ObjectNode body = JSON.createObjectNode();
            body.putArray("events").add(set(randomEvent(random, "c"), path, null));
            assertSameOutcome(JSON.writeValueAsBytes(body));
        }
    }

    static Stream<String> bodies() {
        String event = "{\"requestId\": \"req_1\", \"occurredAt\": \"2026-11-22T11:00:00Z\", \"apiKeyId\": \"key_1\","
                + " \"model\": \"claude-sonnet-4-5\"}";
        String batch = "{\"events\": [" + event + "]}";
        return Stream.of("", " ", "null", "42", "\"x\"", "[1, 2]", "[" + batch + "]", "[1, 2", "{", "}", "{}",
                "not json at all", batch, batch + " ", batch + " {}", batch + " x", batch + "]",
                "{\"events\": null}", "{\"events\": 1}", "{\"events\": \"x\"}", "{\"events\": {}}",
                "{\"events\": []}", "{\"events\": [null]}", "{\"events\": [1, \"a\", [], {}]}",
                "{\"events\": [[" + event + "]]}", "{\"events\": [" + event + ", " + event + "]}",
                "{\"events\": [" + event + "], \"events\": []}", "{\"other\": [" + event + "]}",
                "{\"events\": [" + event + "], \"extra\": {\"a\": [1, [2, {\"b\": 3}]]}}",
                "{\"events\": [{\"requestId\": \"r\", \"requestId\": \"s\"}]}", "{'events': []}",
                "{\"events\": [NaN]}", "{\"events\": [01]}", "{\"events\": [1,]}", "{\"events\": [" + event + ",]}",
                "\ufeff" + batch, "{\"events\": [" + event.replace("req_1", "r\\u0065q_1") + "]}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void readsOddBodiesLikeTheTree(String body) {
        assertSameOutcome(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsEventsLikeTheTreeForTheBatchLimit() {
        StringBuilder body = new StringBuilder("{\"events\": [");
        for (int i = 0; i < 1001; i++) {
            body.append(i == 0 ? "" : ", ").append(i % 2 == 0 ? "{}" : "1");
        }
        byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(json.batch(bytes).eventCount()).isEqualTo(1001);
        assertSameOutcome(bytes);
    }

    @Test
    void theStreamingParserReadsWhatItCanWithoutTheTree() {
        // Guards the comparison itself: a well-formed batch never falls back to the tree.
        byte[] body = "{\"events\": [{\"requestId\": \"r\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(InputBody.read(JSON, body)).isNotNull();
        assertThat(InputBody.read(JSON, "{} {}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(InputBody.read(JSON, "[]".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    private void assertSameOutcome(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(outcome(() -> streamed(body))).as(text).isEqualTo(outcome(() -> tree(body)));
    }

    /** The path before streaming: the tree, its event count, then the parser on the tree. */
    private Object tree(byte[] body) {
        JsonNode root = json.tree(body);
        JsonNode events = root.isObject() ? root.get("events") : null;
        int count = events != null && events.isArray() ? events.size() : 0;
        return List.of(count, parser.usageBatch(root, NOW));
    }

    /** The streaming path: {@link InputJson#batch}, its event count, then the parser on it. */
    private Object streamed(byte[] body) {
        InputBody parsed = json.batch(body);
        Parsed<List<UsageReport>> result = parser.usageBatch(parsed, NOW);
        return List.of(parsed.eventCount(), result);
    }

    /** What the request gets: the count and parse, or the malformed body's message and violations. */
    private static Object outcome(Supplier<Object> read) {
        try {
            return read.get();
        } catch (MalformedBodyException e) {
            return List.of(String.valueOf(e.getMessage()), e.violations());
        }
    }

    private static ObjectNode randomEvent(Random random, String id) {
        ObjectNode e = JSON.createObjectNode();
        e.put("requestId", "req_" + id);
        e.put("occurredAt", NOW.minusMillis(random.nextInt(3_600_000)).toString());
        e.put("apiKeyId", "key_" + random.nextInt(1000));
        e.put("model", List.of("claude-sonnet-4-5-20250929", "claude-opus-4-1", "gpt-4o", "Claude-Haiku-4-5")
                .get(random.nextInt(4)));
        ObjectNode usage = e.putObject("usage");
        long cacheCreate = random.nextInt(5) == 0 ? 0 : random.nextInt(100_000);
        long eph5m = cacheCreate == 0 ? 0 : random.nextLong(cacheCreate + 1);
        long eph1h = cacheCreate == 0 ? 0 : random.nextLong(cacheCreate - eph5m + 1);
        usage.put("inputTokens", random.nextInt(1_000_000_001));
        usage.put("outputTokens", random.nextInt(100_000));
        if (random.nextBoolean()) {
            usage.put("cacheCreateTokens", cacheCreate);
            usage.put("ephemeral5mTokens", eph5m);
            usage.put("ephemeral1hTokens", eph1h);
        }
        usage.put("cacheReadTokens", random.nextInt(1_000_000));
        if (random.nextBoolean()) {
            e.put("accountId", "acc_" + random.nextInt(50));
            e.put("accountType", List.of("claude-official", "openai", "gemini").get(random.nextInt(3)));
        }
        if (random.nextBoolean()) {
            e.put("serviceTier", random.nextBoolean() ? "standard" : "priority");
            e.put("longContext", random.nextBoolean());
            e.put("endpoint", "/v1/messages");
            e.put("statusCode", 200 + random.nextInt(300));
            e.put("stream", random.nextBoolean());
            e.put("durationMs", random.nextInt(100_000));
        }
        if (random.nextInt(3) == 0) {
            ObjectNode cost = e.putObject("cost");
            cost.put("realUsd", "0." + random.nextInt(100_000));
            if (random.nextBoolean()) {
                cost.put("ratedUsd", "1.25");
            } else {
                cost.put("ratedUsd", new java.math.BigDecimal("0.5"));
            }
        }
        return e;
    }
}
