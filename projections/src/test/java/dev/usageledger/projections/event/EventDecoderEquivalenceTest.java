package dev.usageledger.projections.event;

import static dev.usageledger.projections.event.JsonMutations.breakBytes;
import static dev.usageledger.projections.event.JsonMutations.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * The streaming decoder ({@link EventCodec#decode}) against the tree decoder it replaced
 * ({@link EventCodec#decodeTree}): on generated events, on the same events with a field replaced by
 * every kind of JSON value, and on broken bytes, both give the same event or the same error message.
 */
class EventDecoderEquivalenceTest {

    private static final long SEED = 20261123L;
    private static final JsonMapper JSON = EventCodec.newMapper();

    private final EventCodec codec = new EventCodec();

    /** Every field path either decoder reads, and two it ignores. */
    private static final List<String> PATHS = List.of("type", "schemaVersion", "requestId", "adjustmentId",
            "occurredAt", "apiKeyId", "accountId", "accountType", "model", "reportedModel", "usage",
            "usage.inputTokens", "usage.outputTokens", "usage.cacheCreateTokens", "usage.ephemeral5mTokens",
            "usage.ephemeral1hTokens", "usage.cacheReadTokens", "serviceTier", "longContext", "endpoint",
            "statusCode", "stream", "durationMs", "relayId", "receivedAt", "cost", "cost.realUsd", "cost.ratedUsd",
            "cost.source", "cost.pricingVersion", "cost.breakdown", "cost.breakdown.inputUsd",
            "cost.breakdown.cacheReadUsd", "realUsd", "ratedUsd", "reason", "requestedBy", "unknown",
            "cost.unknown");

    /** Replacement values: every JSON kind, edge numbers, and strings that break or meet the rules. */
    private static final List<String> VALUES = List.of("null", "true", "false", "0", "-0", "1", "-1", "599", "600",
            "1000000000", "1000000001", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901234567890", "1.5", "1.0", "1e3", "1E-11", "-0.5",
            "0.0000000001", "0.00000000001", "1000000", "1000000.0000000001", "-1000000", "-1000000.5",
            "\"\"", "\"x\"", "\"12\"", "\"0.0123\"", "\"-1.25\"", "\"0.12345678901\"", "\"1e3\"", "\"catalog\"",
            "\"relay\"", "\"guessed\"", "\"usage.recorded\"", "\"cost.adjusted\"", "\"req 1\"", "\"k\u00e9y\"",
            "\"2026-11-22T10:15:30.123Z\"", "\"2026-11-22t10:15:30z\"", "\"2026-11-22T10:15:30.123+01:00\"",
            "\"2026-02-30T10:15:30Z\"", "\"2026-11-22T10:15:30.1234Z\"", "\"" + "a".repeat(129) + "\"",
            "[]", "[1, \"a\", {}]", "{}", "{\"inputTokens\": 5}", "{\"a\": [1, {\"b\": null}]}");

    static Stream<Long> seeds() {
        return Stream.iterate(SEED, s -> s + 1).limit(40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decodesGeneratedEventsAndTheirMutationsLikeTheTreeDecoder(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            LedgerEvent event = randomEvent(random, seed + "_" + i);
            byte[] bytes = codec.encode(event);

            assertThat(codec.decode(bytes)).isEqualTo(event);
            assertSameOutcome(bytes);

            ObjectNode json = codec.toJson(event);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                set(json, PATHS.get(random.nextInt(PATHS.size())), VALUES.get(random.nextInt(VALUES.size())));
            }
            assertSameOutcome(JSON.writeValueAsBytes(json));
            assertSameOutcome(breakBytes(JSON.writeValueAsBytes(json), random));
        }
    }

    @Test
    void everyFieldWithEveryKindOfValueGivesTheSameOutcome() {
        for (LedgerEvent event : List.of(Events.usage("req_1").withAllOptionals().build(), Events.usage("req_2").build(),
                Events.adjustment("adj_1").withAllOptionals().correcting("req_1").build(),
                Events.adjustment("adj_2").build())) {
            for (String path : PATHS) {
                for (String value : VALUES) {
                    assertSameOutcome(JSON.writeValueAsBytes(set(codec.toJson(event), path, value)));
                }
                assertSameOutcome(JSON.writeValueAsBytes(set(codec.toJson(event), path, null)));
            }
        }
    }

    static Stream<String> messages() {
        String valid = new String(new EventCodec().encode(Events.usage("req_1").build()), StandardCharsets.UTF_8);
        String body = valid.substring(1, valid.length() - 1);
        return Stream.of("", " ", "null", "42", "\"x\"", "[1, 2]", "[1, 2", "{", "}", "{}", "{\"type\": 1}",
                "not json at all", "{\"type\": \"usage.rec", valid + " ", valid + " {}", valid + " x", valid + "]",
                "[" + valid + "]", "{" + body + ", \"requestId\": \"req_2\"}",
                "{" + body + ", \"usage\": null}", "{" + body + ", \"cost\": {\"realUsd\": \"1\"}}",
                "{\"type\": \"usage.recorded\", \"schemaVersion\": 1, \"usage\": {\"a\": [[[{}]]]}}",
                "{\"schemaVersion\": 99, \"type\": \"usage.recorded\"}", "{\"type\": \"x\", \"schemaVersion\": 1}",
                "{'type': 'usage.recorded'}", "{\"type\": NaN}", "{\"a\": 01}", "{\"a\": 1,}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void decodesOddMessagesLikeTheTreeDecoder(String message) {
        assertSameOutcome(message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesTheSameMessagesForTheSameReasonsAsTheTreeDecoder() {
        // Guards the comparison itself: a broken field must fail both ways with the field named.
        byte[] bytes = JSON.writeValueAsBytes(set(codec.toJson(Events.usage("req_1").build()), "usage.inputTokens",
                "-1"));

        Throwable streamed = catchThrowable(() -> codec.decode(bytes));
        assertThat(streamed).isInstanceOf(EventDecodingException.class).hasMessageContaining("usage.inputTokens");
        assertSameOutcome(bytes);
    }

    private void assertSameOutcome(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Object tree = outcome(() -> codec.decodeTree(bytes));
        Object streamed = outcome(() -> codec.decode(bytes));
        if (tree instanceof String treeError && treeError.startsWith("not JSON")) {
            // Malformed JSON: both refuse it as such; the parser's wording may differ.
            assertThat((String) streamed).as(text).startsWith("not JSON");
        } else {
            assertThat(streamed).as(text).isEqualTo(tree);
        }
    }

    /** The decoded event, or the {@link EventDecodingException}'s message. */
    private static Object outcome(Supplier<LedgerEvent> decode) {
        try {
            return decode.get();
        } catch (EventDecodingException e) {
            return e.getMessage();
        }
    }

    private static LedgerEvent randomEvent(Random random, String id) {
        Instant at = Events.T0.plusMillis(random.nextInt(3_600_000) - 1_800_000L);
        if (random.nextInt(5) == 0) {
            Events.AdjustmentBuilder a = Events.adjustment("adj_" + id).at(at).key("key_" + random.nextInt(1000))
                    .amounts(signedAmount(random), signedAmount(random));
            if (random.nextBoolean()) {
                a.account("acc_" + random.nextInt(50));
            }
            if (random.nextBoolean()) {
                a.withAllOptionals();
            }
            if (random.nextBoolean()) {
                a.correcting("req_" + id);
            }
            return a.build();
        }
        long cacheCreate = random.nextInt(5) == 0 ? 0 : random.nextInt(100_000);
        long eph5m = cacheCreate == 0 ? 0 : random.nextLong(cacheCreate + 1);
        long eph1h = cacheCreate == 0 ? 0 : random.nextLong(cacheCreate - eph5m + 1);
        Events.UsageBuilder u = Events.usage("req_" + id).at(at).key("key_" + random.nextInt(1000))
                .tokens(new TokenUsage(random.nextInt(1_000_000_001), random.nextInt(100_000), cacheCreate, eph5m, eph1h,
                        random.nextInt(1_000_000)))
                .cost(amount(random), amount(random))
                .source(PricingSource.values()[random.nextInt(PricingSource.values().length)]);
        if (random.nextBoolean()) {
            u.withAllOptionals();
        }
        if (random.nextBoolean()) {
            u.account("acc_" + random.nextInt(50)).reportedModel("us.anthropic." + Events.MODEL + "-v1:0");
        }
        if (random.nextBoolean()) {
            u.breakdown(amount(random), amount(random), amount(random), "0", amount(random));
        }
        return u.build();
    }

    /** A cost ≥ 0 with 0 to 10 fraction digits. */
    private static String amount(Random random) {
        int scale = random.nextInt(11);
        long unscaled = random.nextLong(1_000_000L * (long) Math.pow(10, Math.min(scale, 6)) + 1);
        return BigDecimal.valueOf(unscaled, scale).toPlainString();
    }

    private static String signedAmount(Random random) {
        String amount = amount(random);
        return random.nextBoolean() && !amount.equals("0") ? "-" + amount : amount;
    }
}
