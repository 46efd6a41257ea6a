package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** CONTRACT §1 (ingest) and §2 (cost adjustments), rule by rule, with a fixed {@code now}. */
class InputParserTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String REMOVE = "<remove>";
    private static final JsonMapper MAPPER = EventCodec.newMapper();

    private static final String CONTRACT_EVENT = """
            {
              "requestId": "req_01JD8X4Q7Z",
              "occurredAt": "2026-11-22T10:15:30.123Z",
              "apiKeyId": "key_7f3a",
              "accountId": "acc_claude_12",
              "accountType": "claude-official",
              "model": "claude-sonnet-4-5-20250929",
              "usage": {
                "inputTokens": 1200,
                "outputTokens": 350,
                "cacheCreateTokens": 4000,
                "ephemeral5mTokens": 3000,
                "ephemeral1hTokens": 1000,
                "cacheReadTokens": 20000
              },
              "serviceTier": "standard",
              "longContext": false,
              "endpoint": "/v1/messages",
              "statusCode": 200,
              "stream": true,
              "durationMs": 5234,
              "cost": { "realUsd": "0.0123", "ratedUsd": "0.0150" }
            }""";

    private static final String CONTRACT_ADJUSTMENT = """
            { "adjustmentId": "adj_2026_11_credit_7", "apiKeyId": "key_7f3a", "accountId": "acc_claude_12",
              "model": "claude-sonnet-4-5-20250929", "occurredAt": "2026-11-22T00:00:00Z",
              "realUsd": "-1.25", "ratedUsd": "-1.50", "reason": "credit for outage" }""";

    private final InputParser parser = new InputParser(InputRules.DEFAULTS);

    // ---- helpers -------------------------------------------------------------------------

    private static ObjectNode event() {
        return (ObjectNode) MAPPER.readTree(CONTRACT_EVENT);
    }

    private static ObjectNode adjustmentBody() {
        return (ObjectNode) MAPPER.readTree(CONTRACT_ADJUSTMENT);
    }

    /** Sets (raw JSON) or removes the field at a dotted path, creating objects on the way. */
    private static ObjectNode with(ObjectNode node, String path, String rawJson) {
        String[] parts = path.split("\\.");
        ObjectNode parent = node;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = parent.get(parts[i]);
            parent = child instanceof ObjectNode o ? o : parent.putObject(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (REMOVE.equals(rawJson)) {
            parent.remove(last);
        } else {
            parent.set(last, MAPPER.readTree(rawJson));
        }
        return node;
    }

    private static ObjectNode batch(JsonNode... events) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode array = root.putArray("events");
        for (JsonNode e : events) {
            array.add(e);
        }
        return root;
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private UsageReport parseOne(ObjectNode event) {
        InputParser.Parsed<List<UsageReport>> parsed = parser.usageBatch(batch(event), NOW);
        assertThat(parsed.violations()).isEmpty();
        assertThat(parsed.valid()).isTrue();
        assertThat(parsed.value()).hasSize(1);
        return parsed.value().get(0);
    }

    // ---- §1: every rule gives a violation naming the field ----------------------------------

    static Stream<Arguments> usageViolations() {
        return Stream.of(
                arguments("requestId", REMOVE, "requestId"),
                arguments("requestId", "null", "requestId"),
                arguments("requestId", quoted(""), "requestId"),
                arguments("requestId", quoted("r".repeat(129)), "requestId"),
                arguments("requestId", quoted("req 1"), "requestId"),
                arguments("requestId", quoted("req/1"), "requestId"),
                arguments("requestId", quoted("req_\u00e9"), "requestId"),
                arguments("requestId", "12345", "requestId"),
                arguments("occurredAt", REMOVE, "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T10:15:30"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22 10:15:30Z"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T10:15:30.1234Z"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T10:15:30.123456789+01:00"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22"), "occurredAt"),
                arguments("occurredAt", quoted("2026-13-22T10:15:30Z"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-31T10:15:30Z"), "occurredAt"),
                arguments("occurredAt", quoted("yesterday"), "occurredAt"),
                arguments("occurredAt", "1795342530123", "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T12:05:00.001Z"), "occurredAt"),
                arguments("occurredAt", quoted("2026-10-23T11:59:59.999Z"), "occurredAt"),
                arguments("apiKeyId", REMOVE, "apiKeyId"),
                arguments("apiKeyId", quoted(""), "apiKeyId"),
                arguments("apiKeyId", quoted("k".repeat(65)), "apiKeyId"),
                arguments("apiKeyId", quoted("key#1"), "apiKeyId"),
                arguments("apiKeyId", "7", "apiKeyId"),
                arguments("accountId", quoted(""), "accountId"),
                arguments("accountId", quoted("a".repeat(65)), "accountId"),
                arguments("accountId", quoted("acc 12"), "accountId"),
                arguments("accountId", "12", "accountId"),
                arguments("accountType", quoted(""), "accountType"),
                arguments("accountType", quoted("c".repeat(33)), "accountType"),
                arguments("accountType", quoted("Claude-Official"), "accountType"),
                arguments("accountType", quoted("claude_official"), "accountType"),
                arguments("model", REMOVE, "model"),
                arguments("model", quoted(""), "model"),
                arguments("model", quoted("m".repeat(129)), "model"),
                arguments("model", quoted("claude\u00e9"), "model"),
                arguments("model", quoted("claude\\tsonnet"), "model"),
                arguments("model", "42", "model"),
                arguments("usage", quoted("lots"), "usage"),
                arguments("usage", "[1, 2]", "usage"),
                arguments("usage.inputTokens", "-1", "usage.inputTokens"),
                arguments("usage.inputTokens", "1000000001", "usage.inputTokens"),
                arguments("usage.inputTokens", "99999999999999999999999", "usage.inputTokens"),
                arguments("usage.inputTokens", quoted("12"), "usage.inputTokens"),
                arguments("usage.inputTokens", "1.5", "usage.inputTokens"),
                arguments("usage.inputTokens", "1e3", "usage.inputTokens"),
                arguments("usage.inputTokens", "12.0", "usage.inputTokens"),
                arguments("usage.inputTokens", "true", "usage.inputTokens"),
                arguments("usage.outputTokens", quoted("350"), "usage.outputTokens"),
                arguments("usage.outputTokens", "-5", "usage.outputTokens"),
                arguments("usage.cacheCreateTokens", "4000.5", "usage.cacheCreateTokens"),
                arguments("usage.cacheReadTokens", "{}", "usage.cacheReadTokens"),
                arguments("usage.cacheReadTokens", "1000000001", "usage.cacheReadTokens"),
                arguments("usage.ephemeral5mTokens", "false", "usage.ephemeral5mTokens"),
                arguments("usage.ephemeral1hTokens", "-1", "usage.ephemeral1hTokens"),
                // 3000 + 1001 > 4000: the split may not exceed cache-create
                arguments("usage.ephemeral1hTokens", "1001", "usage.ephemeral5mTokens"),
                arguments("usage.cacheCreateTokens", "3999", "usage.ephemeral5mTokens"),
                arguments("cost", quoted("0.0123"), "cost"),
                arguments("cost", "{}", "cost.realUsd"),
                arguments("cost", "{}", "cost.ratedUsd"),
                arguments("cost.realUsd", REMOVE, "cost.realUsd"),
                arguments("cost.ratedUsd", REMOVE, "cost.ratedUsd"),
                arguments("cost.realUsd", quoted("-0.01"), "cost.realUsd"),
                arguments("cost.realUsd", "-0.01", "cost.realUsd"),
                arguments("cost.realUsd", quoted("1000000.0000000001"), "cost.realUsd"),
                arguments("cost.realUsd", "1000001", "cost.realUsd"),
                arguments("cost.realUsd", quoted("0.12345678901"), "cost.realUsd"),
                arguments("cost.realUsd", "0.12345678901", "cost.realUsd"),
                arguments("cost.realUsd", quoted("abc"), "cost.realUsd"),
                arguments("cost.realUsd", quoted("1e3"), "cost.realUsd"),
                arguments("cost.realUsd", quoted(""), "cost.realUsd"),
                arguments("cost.realUsd", "true", "cost.realUsd"),
                arguments("cost.ratedUsd", quoted("0,5"), "cost.ratedUsd"),
                arguments("cost.ratedUsd", "[0.5]", "cost.ratedUsd"),
                arguments("cost.ratedUsd", "0.00000000001", "cost.ratedUsd"),
                arguments("serviceTier", quoted("Standard"), "serviceTier"),
                arguments("serviceTier", "1", "serviceTier"),
                arguments("longContext", quoted("true"), "longContext"),
                arguments("longContext", "1", "longContext"),
                arguments("endpoint", quoted("/v1/m\u00e9ssages"), "endpoint"),
                arguments("statusCode", "99", "statusCode"),
                arguments("statusCode", "600", "statusCode"),
                arguments("statusCode", quoted("200"), "statusCode"),
                arguments("statusCode", "200.0", "statusCode"),
                arguments("stream", quoted("yes"), "stream"),
                arguments("durationMs", "-1", "durationMs"),
                arguments("durationMs", "1.5", "durationMs"));
    }

    @ParameterizedTest(name = "{0} = {1} -> violation on {2}")
    @MethodSource("usageViolations")
    void rejectsAnEventBreakingARuleNamingTheField(String path, String rawJson, String field) {
        InputParser.Parsed<List<UsageReport>> parsed = parser.usageBatch(batch(with(event(), path, rawJson)), NOW);

        assertThat(parsed.valid()).isFalse();
        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations())
                .allSatisfy(v -> {
                    assertThat(v.index()).isZero();
                    assertThat(v.message()).isNotBlank();
                })
                .extracting(Violation::field)
                .contains(field);
    }

    @Test
    void reportsOnlyTheBrokenFieldOfAnOtherwiseValidEvent() {
        InputParser.Parsed<List<UsageReport>> parsed =
                parser.usageBatch(batch(with(event(), "usage.inputTokens", quoted("12"))), NOW);

        assertThat(parsed.violations()).containsExactly(new Violation(0, "usage.inputTokens",
                parsed.violations().get(0).message()));
        assertThat(parsed.violations().get(0).message()).contains("integer");
    }

    static Stream<Arguments> batchShapeViolations() {
        return Stream.of(
                arguments("[]"),
                arguments("\"events\""),
                arguments("{}"),
                arguments("{\"events\": null}"),
                arguments("{\"events\": {}}"),
                arguments("{\"events\": \"x\"}"),
                arguments("{\"events\": []}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchShapeViolations")
    void rejectsABodyWithoutEventsAsAWhole(String body) {
        InputParser.Parsed<List<UsageReport>> parsed = parser.usageBatch(MAPPER.readTree(body), NOW);

        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("events");
            assertThat(v.index()).isNull();
        });
    }

    @Test
    void rejectsAnEventThatIsNotAnObjectByItsIndex() {
        InputParser.Parsed<List<UsageReport>> parsed =
                parser.usageBatch(batch(event(), MAPPER.readTree("\"req_2\""), MAPPER.readTree("null")), NOW);

        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations()).extracting(Violation::index, Violation::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "events[1]"),
                        org.assertj.core.groups.Tuple.tuple(2, "events[2]"));
    }

    @Test
    void reportsEveryViolationOfABatchWithItsIndex() {
        ObjectNode ok0 = event();
        ObjectNode bad1 = with(event(), "requestId", quoted("req 1"));
        ObjectNode ok2 = with(event(), "requestId", quoted("req_2"));
        ObjectNode bad3 = with(with(with(event(), "usage.inputTokens", "1.5"), "apiKeyId", REMOVE),
                "cost.ratedUsd", quoted("-1"));

        InputParser.Parsed<List<UsageReport>> parsed = parser.usageBatch(batch(ok0, bad1, ok2, bad3), NOW);

        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations()).extracting(Violation::index, Violation::field)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1, "requestId"),
                        org.assertj.core.groups.Tuple.tuple(3, "usage.inputTokens"),
                        org.assertj.core.groups.Tuple.tuple(3, "apiKeyId"),
                        org.assertj.core.groups.Tuple.tuple(3, "cost.ratedUsd"));
    }

    // ---- §1: valid batches -------------------------------------------------------------------

    @Test
    void parsesTheContractExampleExactly() {
        UsageReport r = parseOne(event());

        assertThat(r.requestId()).isEqualTo("req_01JD8X4Q7Z");
        assertThat(r.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(r.apiKeyId()).isEqualTo("key_7f3a");
        assertThat(r.accountId()).isEqualTo("acc_claude_12");
        assertThat(r.accountType()).isEqualTo("claude-official");
        assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(r.reportedModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(r.usage()).isEqualTo(new TokenUsage(1200, 350, 4000, 3000, 1000, 20000));
        assertThat(r.serviceTier()).isEqualTo("standard");
        assertThat(r.longContext()).isFalse();
        assertThat(r.endpoint()).isEqualTo("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.stream()).isTrue();
        assertThat(r.durationMs()).isEqualTo(5234L);
        assertThat(r.relayPriced()).isTrue();
        assertThat(r.relayRealUsd()).isEqualTo(new BigDecimal("0.0123000000"));
        assertThat(r.relayRatedUsd()).isEqualTo(new BigDecimal("0.0150000000"));
    }

    @Test
    void parsesABatchInOrder() {
        InputParser.Parsed<List<UsageReport>> parsed = parser.usageBatch(batch(
                with(event(), "requestId", quoted("req_1")),
                with(event(), "requestId", quoted("req_2")),
                with(event(), "requestId", quoted("req_1"))), NOW);

        assertThat(parsed.violations()).isEmpty();
        // repeats are accepted here and counted once later, by the projection
        assertThat(parsed.value()).extracting(UsageReport::requestId).containsExactly("req_1", "req_2", "req_1");
    }

    static Stream<Arguments> modelNames() {
        return Stream.of(
                arguments("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929"),
                arguments("eu.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022"),
                arguments("apac.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514"),
                arguments("global.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1-20250805"),
                arguments("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307"),
                arguments("claude-sonnet-4-5:latest", "claude-sonnet-4-5"),
                arguments("gpt-5", "gpt-5"),
                arguments("Claude-Sonnet-4-5", "Claude-Sonnet-4-5"),
                arguments("gemini-2.5-pro", "gemini-2.5-pro"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("modelNames")
    void normalisesTheModelAndKeepsWhatWasSent(String sent, String stored) {
        UsageReport r = parseOne(with(event(), "model", quoted(sent)));

        assertThat(r.model()).isEqualTo(stored);
        assertThat(r.reportedModel()).isEqualTo(sent);
    }

    static Stream<Arguments> exactAmounts() {
        return Stream.of(
                arguments(quoted("0.1"), "0.1000000000"),
                arguments("0.1", "0.1000000000"),
                arguments(quoted("0.0123"), "0.0123000000"),
                arguments("0.0123", "0.0123000000"),
                arguments("0.3333333333", "0.3333333333"),
                arguments(quoted("0.0000000001"), "0.0000000001"),
                arguments("1E-10", "0.0000000001"),
                arguments("0", "0E-10"),
                arguments(quoted("0"), "0E-10"),
                arguments("12", "12.0000000000"),
                arguments(quoted("1000000"), "1000000.0000000000"),
                arguments("1000000.0000000000", "1000000.0000000000"),
                arguments("999999.9999999999", "999999.9999999999"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("exactAmounts")
    void readsACostExactlyFromAStringOrAJsonNumber(String rawJson, String expected) {
        UsageReport r = parseOne(with(with(event(), "cost.realUsd", rawJson), "cost.ratedUsd", rawJson));

        assertThat(r.relayRealUsd()).isEqualTo(new BigDecimal(expected));
        assertThat(r.relayRealUsd().scale()).isEqualTo(10);
        assertThat(r.relayRatedUsd()).isEqualTo(new BigDecimal(expected));
    }

    @Test
    void withoutACostTheServicePricesTheRequest() {
        UsageReport r = parseOne(with(event(), "cost", REMOVE));

        assertThat(r.relayPriced()).isFalse();
        assertThat(r.relayRealUsd()).isNull();
        assertThat(r.relayRatedUsd()).isNull();
    }

    @Test
    void missingUsageFieldsMeanZero() {
        assertThat(parseOne(with(event(), "usage", "{}")).usage()).isEqualTo(TokenUsage.ZERO);
        assertThat(parseOne(with(event(), "usage", REMOVE)).usage()).isEqualTo(TokenUsage.ZERO);
        assertThat(parseOne(with(event(), "usage", "{\"outputTokens\": 7}")).usage())
                .isEqualTo(new TokenUsage(0, 7, 0, 0, 0, 0));
    }

    @Test
    void acceptsTheLimitsOfTokenCounts() {
        UsageReport r = parseOne(with(event(), "usage",
                "{\"inputTokens\": 1000000000, \"outputTokens\": 0, \"cacheReadTokens\": 1000000000}"));

        assertThat(r.usage()).isEqualTo(new TokenUsage(1_000_000_000, 0, 0, 0, 0, 1_000_000_000));
    }

    @Test
    void acceptsCacheCreateTokensNotCoveredBySplit() {
        TokenUsage unsplit = parseOne(with(event(), "usage", "{\"cacheCreateTokens\": 4000}")).usage();
        TokenUsage partly = parseOne(with(event(), "usage",
                "{\"cacheCreateTokens\": 4000, \"ephemeral1hTokens\": 1000}")).usage();
        TokenUsage exactly = parseOne(with(event(), "usage",
                "{\"cacheCreateTokens\": 4000, \"ephemeral5mTokens\": 3000, \"ephemeral1hTokens\": 1000}")).usage();

        assertThat(unsplit).isEqualTo(new TokenUsage(0, 0, 4000, 0, 0, 0));
        assertThat(unsplit.cacheWrite5mBilled()).isEqualTo(4000);
        assertThat(partly.cacheWrite5mBilled()).isEqualTo(3000);
        assertThat(exactly).isEqualTo(new TokenUsage(0, 0, 4000, 3000, 1000, 0));
    }

    @Test
    void treatsNullAsAbsent() {
        ObjectNode e = event();
        for (String optional : List.of("accountId", "accountType", "serviceTier", "longContext", "endpoint",
                "statusCode", "stream", "durationMs", "cost")) {
            with(e, optional, "null");
        }
        with(e, "usage", "{\"inputTokens\": null, \"outputTokens\": 5}");

        UsageReport r = parseOne(e);

        assertThat(r.accountId()).isNull();
        assertThat(r.accountType()).isNull();
        assertThat(r.serviceTier()).isNull();
        assertThat(r.longContext()).isFalse();
        assertThat(r.endpoint()).isNull();
        assertThat(r.statusCode()).isNull();
        assertThat(r.stream()).isNull();
        assertThat(r.durationMs()).isNull();
        assertThat(r.relayPriced()).isFalse();
        assertThat(r.usage()).isEqualTo(new TokenUsage(0, 5, 0, 0, 0, 0));
        assertThat(parseOne(with(event(), "usage", "null")).usage()).isEqualTo(TokenUsage.ZERO);
    }

    @Test
    void ignoresUnknownFields() {
        UsageReport r = parseOne(with(with(event(), "futureField", "{\"x\": [1, 2]}"), "usage.futureTokens", "\"x\""));

        assertThat(r.requestId()).isEqualTo("req_01JD8X4Q7Z");
    }

    @Test
    void acceptsIdsWithTheWholeAlphabetAtFullLength() {
        String requestId = "Az09._:-" + "x".repeat(120);
        String keyId = "K-9.z_:" + "y".repeat(57);

        UsageReport r = parseOne(with(with(event(), "requestId", quoted(requestId)), "apiKeyId", quoted(keyId)));

        assertThat(r.requestId()).isEqualTo(requestId).hasSize(128);
        assertThat(r.apiKeyId()).isEqualTo(keyId).hasSize(64);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2026-11-22T19:15:30.123+09:00", "2026-11-22T05:15:30.123-05:00",
            "2026-11-22t10:15:30.123z", "2026-11-22T10:15:30.123+00:00"})
    void readsAnyOffsetAsTheSameInstant(String occurredAt) {
        assertThat(parseOne(with(event(), "occurredAt", quoted(occurredAt))).occurredAt())
                .isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2026-11-22T10:15:30Z", "2026-11-22T10:15:30.1Z", "2026-11-22T10:15:30.12Z"})
    void acceptsLessThanMillisecondPrecision(String occurredAt) {
        assertThat(parseOne(with(event(), "occurredAt", quoted(occurredAt))).occurredAt())
                .isEqualTo(Instant.parse(occurredAt));
    }

    @Test
    void acceptsOccurredAtUpToFiveMinutesAheadAndThirtyDaysBack() {
        Instant latest = NOW.plus(Duration.ofMinutes(5));
        Instant earliest = NOW.minus(Duration.ofDays(30));

        assertThat(parseOne(with(event(), "occurredAt", quoted(latest.toString()))).occurredAt()).isEqualTo(latest);
        assertThat(parseOne(with(event(), "occurredAt", quoted(earliest.toString()))).occurredAt())
                .isEqualTo(earliest);
        assertThat(parser.usageBatch(batch(with(event(), "occurredAt",
                quoted(latest.plusMillis(1).toString()))), NOW).violations())
                .singleElement().satisfies(v -> assertThat(v.message()).contains("future"));
        assertThat(parser.usageBatch(batch(with(event(), "occurredAt",
                quoted(earliest.minusMillis(1).toString()))), NOW).violations())
                .singleElement().satisfies(v -> assertThat(v.message()).contains("older"));
    }

    @Test
    void appliesTheConfiguredMaximumEventAge() {
        InputParser strict = new InputParser(new InputRules(Duration.ofHours(1), Duration.ofMinutes(5), 1000));

        InputParser.Parsed<List<UsageReport>> old = strict.usageBatch(batch(event()), NOW);

        assertThat(old.value()).isNull();
        assertThat(old.violations()).extracting(Violation::field).containsExactly("occurredAt");
        assertThat(strict.usageBatch(batch(event()), Instant.parse("2026-11-22T11:15:30.123Z")).valid()).isTrue();
    }

    // ---- §2: cost adjustments ----------------------------------------------------------------

    @Test
    void parsesTheContractAdjustment() {
        InputParser.Parsed<CostAdjustmentRequest> parsed = parser.costAdjustment(adjustmentBody(), NOW);

        assertThat(parsed.violations()).isEmpty();
        CostAdjustmentRequest a = parsed.value();
        assertThat(a.adjustmentId()).isEqualTo("adj_2026_11_credit_7");
        assertThat(a.apiKeyId()).isEqualTo("key_7f3a");
        assertThat(a.accountId()).isEqualTo("acc_claude_12");
        assertThat(a.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(a.occurredAt()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(a.realUsd()).isEqualTo(new BigDecimal("-1.2500000000"));
        assertThat(a.ratedUsd()).isEqualTo(new BigDecimal("-1.5000000000"));
        assertThat(a.reason()).isEqualTo("credit for outage");
        assertThat(a.requestId()).isNull();

        CostAdjusted event = a.toEvent("ops", NOW);
        assertThat(event.schemaVersion()).isEqualTo(LedgerEvent.CURRENT_SCHEMA_VERSION);
        assertThat(event.requestedBy()).isEqualTo("ops");
        assertThat(event.receivedAt()).isEqualTo(NOW);
        assertThat(event.requestId()).isNull();
    }

    @Test
    void anAdjustmentMayNameTheRequestItCorrects() {
        CostAdjustmentRequest a = parser.costAdjustment(with(adjustmentBody(), "requestId", quoted("req_01JD8X4Q7Z")),
                NOW).value();

        assertThat(a.requestId()).isEqualTo("req_01JD8X4Q7Z");
        assertThat(a.toEvent("ops", NOW).requestId()).isEqualTo("req_01JD8X4Q7Z");
    }

    @Test
    void anAdjustmentWithoutModelOrAccountConcernsAnyModel() {
        ObjectNode body = with(with(adjustmentBody(), "model", REMOVE), "accountId", "null");

        CostAdjustmentRequest a = parser.costAdjustment(body, NOW).value();

        assertThat(a.model()).isEqualTo(CostAdjusted.ANY_MODEL);
        assertThat(a.accountId()).isNull();
        assertThat(parser.costAdjustment(with(adjustmentBody(), "model", quoted("*")), NOW).value().model())
                .isEqualTo("*");
        assertThat(parser.costAdjustment(with(adjustmentBody(), "model",
                quoted("us.anthropic.claude-sonnet-4-5-20250929-v1:0")), NOW).value().model())
                .isEqualTo("claude-sonnet-4-5-20250929");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"0.5\"", "0.5", "\"-1000000\"", "1000000", "\"-0.0000000001\"", "-2.5E-3", "\"0\""})
    void readsSignedAdjustmentAmountsExactly(String rawJson) {
        CostAdjustmentRequest a = parser.costAdjustment(with(adjustmentBody(), "realUsd", rawJson), NOW).value();

        BigDecimal sent = new BigDecimal(rawJson.replace("\"", ""));
        assertThat(a.realUsd()).isEqualByComparingTo(sent);
        assertThat(a.realUsd().scale()).isEqualTo(10);
    }

    @Test
    void acceptsAnAdjustmentOfOldHistory() {
        assertThat(parser.costAdjustment(with(adjustmentBody(), "occurredAt", quoted("2025-01-01T00:00:00Z")), NOW)
                .valid()).isTrue();
    }

    static Stream<Arguments> adjustmentViolations() {
        return Stream.of(
                arguments("adjustmentId", REMOVE, "adjustmentId"),
                arguments("adjustmentId", "null", "adjustmentId"),
                arguments("adjustmentId", quoted(""), "adjustmentId"),
                arguments("adjustmentId", quoted("a".repeat(129)), "adjustmentId"),
                arguments("adjustmentId", quoted("adj 7"), "adjustmentId"),
                arguments("adjustmentId", "7", "adjustmentId"),
                arguments("occurredAt", REMOVE, "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T00:00:00"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T00:00:00.0001Z"), "occurredAt"),
                arguments("occurredAt", quoted("2026-11-22T12:05:00.001Z"), "occurredAt"),
                arguments("apiKeyId", REMOVE, "apiKeyId"),
                arguments("apiKeyId", quoted("k".repeat(65)), "apiKeyId"),
                arguments("apiKeyId", quoted("key/7f3a"), "apiKeyId"),
                arguments("accountId", quoted(""), "accountId"),
                arguments("accountId", quoted("acc!"), "accountId"),
                arguments("model", quoted(""), "model"),
                arguments("model", quoted("m".repeat(129)), "model"),
                arguments("model", quoted("mod\u00e8le"), "model"),
                arguments("realUsd", REMOVE, "realUsd"),
                arguments("realUsd", "null", "realUsd"),
                arguments("realUsd", quoted("-1.25000000001"), "realUsd"),
                arguments("realUsd", "-1.25000000001", "realUsd"),
                arguments("realUsd", quoted("1000000.01"), "realUsd"),
                arguments("realUsd", "-1000001", "realUsd"),
                arguments("realUsd", quoted("one"), "realUsd"),
                arguments("realUsd", quoted("+1.25"), "realUsd"),
                arguments("realUsd", "true", "realUsd"),
                arguments("ratedUsd", REMOVE, "ratedUsd"),
                arguments("ratedUsd", quoted("1e2"), "ratedUsd"),
                arguments("reason", quoted("r".repeat(513)), "reason"),
                arguments("reason", "5", "reason"),
                arguments("requestId", quoted("req 1"), "requestId"),
                arguments("requestId", quoted("r".repeat(129)), "requestId"),
                arguments("requestId", "7", "requestId"));
    }

    @ParameterizedTest(name = "{0} = {1} -> violation on {2}")
    @MethodSource("adjustmentViolations")
    void rejectsAnAdjustmentBreakingARuleNamingTheField(String path, String rawJson, String field) {
        InputParser.Parsed<CostAdjustmentRequest> parsed =
                parser.costAdjustment(with(adjustmentBody(), path, rawJson), NOW);

        assertThat(parsed.valid()).isFalse();
        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations()).extracting(Violation::field).containsExactly(field);
        assertThat(parsed.violations()).allSatisfy(v -> assertThat(v.index()).isNull());
    }

    @Test
    void reportsEveryViolationOfAnAdjustment() {
        ObjectNode body = with(with(with(adjustmentBody(), "adjustmentId", REMOVE), "realUsd", quoted("x")),
                "ratedUsd", "0.12345678901");

        assertThat(parser.costAdjustment(body, NOW).violations()).extracting(Violation::field)
                .containsExactly("adjustmentId", "realUsd", "ratedUsd");
    }

    @Test
    void rejectsAnAdjustmentBodyThatIsNotAnObject() {
        InputParser.Parsed<CostAdjustmentRequest> parsed = parser.costAdjustment(MAPPER.readTree("[1]"), NOW);

        assertThat(parsed.value()).isNull();
        assertThat(parsed.violations()).hasSize(1);
    }
}
