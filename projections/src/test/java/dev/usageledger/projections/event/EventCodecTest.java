package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class EventCodecTest {

    private static final String REMOVE = "<remove>";

    private final EventCodec codec = new EventCodec();

    private LedgerEvent roundTrip(LedgerEvent event) {
        return codec.decode(codec.encode(event));
    }

    // ---- wire form ---------------------------------------------------------------------------

    @Test
    void writesTheWireFormByteForByte() {
        // As main wrote it before the property names were pre-encoded: same fields, same order, same text.
        BigDecimal x = new BigDecimal("0.0123000000");
        UsageRecorded full = new UsageRecorded(1, "req_1", Instant.parse("2026-11-22T10:15:30.123Z"), "key_1", "acc_1",
                "claude-official", "claude-sonnet-4-5", "Claude-Sonnet-4-5", new TokenUsage(1200, 350, 4000, 3000, 1000,
                20000), "standard", true, "/v1/messages", 200, true, 5234L, "relay-1",
                Instant.parse("2026-11-22T10:15:31Z"), new AssessedCost(x, x,
                        new CostBreakdown(x, x, x, x, x), PricingSource.CATALOG,
                        "sha256:abc"));
        UsageRecorded minimal = new UsageRecorded(1, "req_2", Instant.parse("2026-11-22T10:15:30Z"), "key_1", null,
                null, "m", "m", TokenUsage.ZERO, null, false, null, null, null, null, null,
                Instant.parse("2026-11-22T10:15:31.5Z"), new AssessedCost(x, x, null, PricingSource.RELAY, "v"));

        assertThat(new String(codec.encode(full), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"usage.recorded\","
                + "\"schemaVersion\":1,\"requestId\":\"req_1\",\"occurredAt\":\"2026-11-22T10:15:30.123Z\","
                + "\"apiKeyId\":\"key_1\",\"accountId\":\"acc_1\",\"accountType\":\"claude-official\","
                + "\"model\":\"claude-sonnet-4-5\",\"reportedModel\":\"Claude-Sonnet-4-5\",\"usage\":{\"inputTokens\":1200,"
                + "\"outputTokens\":350,\"cacheCreateTokens\":4000,\"ephemeral5mTokens\":3000,\"ephemeral1hTokens\":1000,"
                + "\"cacheReadTokens\":20000},\"serviceTier\":\"standard\",\"longContext\":true,"
                + "\"endpoint\":\"/v1/messages\",\"statusCode\":200,\"stream\":true,\"durationMs\":5234,"
                + "\"relayId\":\"relay-1\",\"receivedAt\":\"2026-11-22T10:15:31Z\",\"cost\":{\"realUsd\":\"0.0123000000\","
                + "\"ratedUsd\":\"0.0123000000\",\"source\":\"catalog\",\"pricingVersion\":\"sha256:abc\","
                + "\"breakdown\":{\"inputUsd\":\"0.0123000000\",\"outputUsd\":\"0.0123000000\","
                + "\"cacheWrite5mUsd\":\"0.0123000000\",\"cacheWrite1hUsd\":\"0.0123000000\","
                + "\"cacheReadUsd\":\"0.0123000000\"}}}");
        assertThat(new String(codec.encode(minimal), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"usage.recorded\","
                + "\"schemaVersion\":1,\"requestId\":\"req_2\",\"occurredAt\":\"2026-11-22T10:15:30Z\",\"apiKeyId\":\"key_1\","
                + "\"model\":\"m\",\"reportedModel\":\"m\",\"usage\":{\"inputTokens\":0,\"outputTokens\":0,"
                + "\"cacheCreateTokens\":0,\"ephemeral5mTokens\":0,\"ephemeral1hTokens\":0,\"cacheReadTokens\":0},"
                + "\"longContext\":false,\"receivedAt\":\"2026-11-22T10:15:31.500Z\",\"cost\":{\"realUsd\":\"0.0123000000\","
                + "\"ratedUsd\":\"0.0123000000\",\"source\":\"relay\",\"pricingVersion\":\"v\"}}");
    }

    // ---- round trips -------------------------------------------------------------------------

    @Test
    void roundTripsUsageRecordedWithAllFieldsAndBreakdown() {
        UsageRecorded event = Events.usage("req_01JD8X4Q7Z").withAllOptionals().build();
        assertThat(event.cost().breakdown()).isNotNull();
        assertThat(event.relayId()).isNotNull();

        assertThat(roundTrip(event)).isEqualTo(event);
    }

    @Test
    void roundTripsUsageRecordedWithOnlyRequiredFields() {
        UsageRecorded event = Events.usage("req_1").build();
        assertThat(event.accountId()).isNull();
        assertThat(event.cost().breakdown()).isNull();
        assertThat(event.receivedAt()).isNull();

        UsageRecorded decoded = (UsageRecorded) roundTrip(event);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.statusCode()).isNull();
        assertThat(decoded.stream()).isNull();
        assertThat(decoded.durationMs()).isNull();
    }

    @Test
    void roundTripsEveryPricingSource() {
        for (PricingSource source : PricingSource.values()) {
            UsageRecorded event = Events.usage("req_" + source.wireName()).source(source).build();
            assertThat(roundTrip(event)).isEqualTo(event);
        }
    }

    @Test
    void roundTripsCostAdjustedWithAndWithoutOptionals() {
        CostAdjusted full = Events.adjustment("adj_1").account("acc_1").model("claude-sonnet-4-5-20250929")
                .withAllOptionals().build();
        CostAdjusted minimal = Events.adjustment("adj_2").amounts("0.5", "0").build();
        assertThat(minimal.reason()).isNull();
        assertThat(minimal.accountId()).isNull();

        assertThat(roundTrip(full)).isEqualTo(full);
        assertThat(roundTrip(minimal)).isEqualTo(minimal);
    }

    @Test
    void roundTripsExtremeButValidValues() {
        UsageRecorded event = Events.usage("r".repeat(128)).key("k".repeat(64))
                .tokens(new TokenUsage(1_000_000_000, 1_000_000_000, 1_000_000_000, 0, 1_000_000_000, 1_000_000_000))
                .cost("1000000", "0.0000000001").build();

        assertThat(roundTrip(event)).isEqualTo(event);
    }

    @Test
    void writesMoneyAsDecimalStringsAndTheTypeAndVersion() {
        ObjectNode json = codec.toJson(Events.usage("req_1").cost("0.1", "0.0123").build());

        assertThat(json.get("type").stringValue()).isEqualTo("usage.recorded");
        assertThat(json.get("schemaVersion").intValue()).isEqualTo(LedgerEvent.CURRENT_SCHEMA_VERSION);
        assertThat(json.get("cost").get("realUsd").isString()).isTrue();
        assertThat(json.get("cost").get("realUsd").stringValue()).isEqualTo("0.1000000000");
        assertThat(json.get("cost").get("ratedUsd").stringValue()).isEqualTo("0.0123000000");
        assertThat(json.get("cost").get("source").stringValue()).isEqualTo("catalog");

        ObjectNode adj = codec.toJson(Events.adjustment("adj_1").amounts("-1.25", "-1.5").build());
        assertThat(adj.get("type").stringValue()).isEqualTo("cost.adjusted");
        assertThat(adj.get("realUsd").stringValue()).isEqualTo("-1.2500000000");
        assertThat(adj.get("model").stringValue()).isEqualTo("*");
        assertThat(adj.has("reason")).isFalse();
    }

    @Test
    void writesInstantsInUtcTruncatedToMilliseconds() {
        Instant precise = Instant.parse("2026-11-22T10:15:30.123456789Z");
        UsageRecorded event = Events.usage("req_1").at(precise).relay("relay-1", precise.plusNanos(999_999)).build();

        ObjectNode json = codec.toJson(event);
        UsageRecorded decoded = (UsageRecorded) codec.decode(codec.encode(event));

        assertThat(json.get("occurredAt").stringValue()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(json.get("receivedAt").stringValue()).isEqualTo("2026-11-22T10:15:30.124Z");
        assertThat(decoded.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(decoded.receivedAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30.124Z"));
    }

    @Test
    void writesWholeSecondsWithoutAFraction() {
        UsageRecorded event = Events.usage("req_1").at("2026-11-22T10:15:30Z").build();

        assertThat(codec.toJson(event).get("occurredAt").stringValue()).isEqualTo("2026-11-22T10:15:30Z");
        assertThat(roundTrip(event)).isEqualTo(event);
    }

    @Test
    void decodesAnEventWithoutReportedModelAsTheModel() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        json.remove("reportedModel");

        UsageRecorded decoded = (UsageRecorded) decode(json);

        assertThat(decoded.reportedModel()).isEqualTo(decoded.model());
    }

    @Test
    void ignoresUnknownFieldsOfAnOlderOrEqualVersion() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        json.put("addedLater", "x");

        assertThat(decode(json)).isEqualTo(Events.usage("req_1").build());
    }

    // ---- refusals ----------------------------------------------------------------------------

    private LedgerEvent decode(JsonNode json) {
        return codec.decode(codec.mapper().writeValueAsBytes(json));
    }

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
            parent.set(last, EventCodec.newMapper().readTree(rawJson));
        }
        return node;
    }

    @Test
    void refusesAnEmptyMessage() {
        assertThatThrownBy(() -> codec.decode(new byte[0])).isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(EventDecodingException.class);
    }

    @Test
    void refusesGarbage() {
        assertThatThrownBy(() -> codec.decode("not json at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> codec.decode("{\"type\": \"usage.rec".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}))
                .isInstanceOf(EventDecodingException.class);
    }

    @Test
    void refusesJsonThatIsNotAnObject() {
        assertThatThrownBy(() -> codec.decode("[1, 2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("object");
        assertThatThrownBy(() -> codec.decode("42".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class);
    }

    @Test
    void refusesAnUnknownType() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        json.put("type", "usage.deleted");

        assertThatThrownBy(() -> decode(json)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("usage.deleted");
    }

    @Test
    void refusesANewerSchemaVersion() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        json.put("schemaVersion", LedgerEvent.CURRENT_SCHEMA_VERSION + 1);

        assertThatThrownBy(() -> decode(json)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("schemaVersion")
                .hasMessageContaining("newer");
    }

    static Stream<Arguments> brokenUsageEvents() {
        return Stream.of(
                arguments("type", REMOVE, "type"),
                arguments("type", "7", "type"),
                arguments("schemaVersion", REMOVE, "schemaVersion"),
                arguments("schemaVersion", "\"1\"", "schemaVersion"),
                arguments("schemaVersion", "0", "schemaVersion"),
                arguments("schemaVersion", "1.5", "schemaVersion"),
                arguments("requestId", REMOVE, "requestId"),
                arguments("requestId", "\"req 1\"", "requestId"),
                arguments("occurredAt", REMOVE, "occurredAt"),
                arguments("occurredAt", "\"2026-11-22T10:15:30.123456Z\"", "occurredAt"),
                arguments("occurredAt", "\"2026-11-22T10:15:30\"", "occurredAt"),
                arguments("apiKeyId", REMOVE, "apiKeyId"),
                arguments("model", REMOVE, "model"),
                arguments("usage", REMOVE, "usage"),
                arguments("usage.inputTokens", "-1", "usage.inputTokens"),
                arguments("usage.outputTokens", "-20", "usage.outputTokens"),
                arguments("usage.cacheReadTokens", "\"5\"", "usage.cacheReadTokens"),
                arguments("usage.ephemeral1hTokens", "1001", "usage.ephemeral5mTokens"),
                arguments("statusCode", "700", "statusCode"),
                arguments("receivedAt", "\"later\"", "receivedAt"),
                arguments("cost", REMOVE, "cost"),
                arguments("cost.realUsd", REMOVE, "cost.realUsd"),
                arguments("cost.realUsd", "0.12345678901", "cost.realUsd"),
                arguments("cost.realUsd", "\"0.12345678901\"", "cost.realUsd"),
                arguments("cost.realUsd", "-0.5", "cost.realUsd"),
                arguments("cost.ratedUsd", "0.000000000001", "cost.ratedUsd"),
                arguments("cost.ratedUsd", "true", "cost.ratedUsd"),
                arguments("cost.source", REMOVE, "cost.source"),
                arguments("cost.source", "\"guessed\"", "cost.source"),
                arguments("cost.pricingVersion", REMOVE, "cost.pricingVersion"),
                arguments("cost.breakdown", "\"none\"", "cost.breakdown"),
                arguments("cost.breakdown", "{}", "cost.breakdown.inputUsd"),
                arguments("cost.breakdown.outputUsd", "0.00000000001", "cost.breakdown.outputUsd"));
    }

    @ParameterizedTest(name = "usage.recorded {0} = {1} -> names {2}")
    @MethodSource("brokenUsageEvents")
    void refusesABrokenUsageEventNamingTheField(String path, String rawJson, String field) {
        ObjectNode json = codec.toJson(Events.usage("req_1").withAllOptionals().build());
        with(json, path, rawJson);

        assertThatThrownBy(() -> decode(json)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(field);
    }

    static Stream<Arguments> brokenAdjustments() {
        return Stream.of(
                arguments("adjustmentId", REMOVE, "adjustmentId"),
                arguments("occurredAt", "\"2026-11-22\"", "occurredAt"),
                arguments("apiKeyId", REMOVE, "apiKeyId"),
                arguments("model", REMOVE, "model"),
                arguments("realUsd", REMOVE, "realUsd"),
                arguments("realUsd", "-1.25000000001", "realUsd"),
                arguments("ratedUsd", "-1000000.5", "ratedUsd"),
                arguments("ratedUsd", "\"abc\"", "ratedUsd"));
    }

    @ParameterizedTest(name = "cost.adjusted {0} = {1} -> names {2}")
    @MethodSource("brokenAdjustments")
    void refusesABrokenAdjustmentNamingTheField(String path, String rawJson, String field) {
        ObjectNode json = codec.toJson(Events.adjustment("adj_1").withAllOptionals().build());
        with(json, path, rawJson);

        assertThatThrownBy(() -> decode(json)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining(field);
    }

    @Test
    void namesEveryBrokenFieldOfAnEvent() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        with(json, "usage.inputTokens", "-1");
        with(json, "cost.realUsd", "0.12345678901");

        assertThatThrownBy(() -> decode(json)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("usage.inputTokens")
                .hasMessageContaining("cost.realUsd");
    }

    @Test
    void readsMoneyWrittenAsAJsonNumberExactly() {
        ObjectNode json = codec.toJson(Events.usage("req_1").build());
        with(json, "cost.realUsd", "0.1");
        with(json, "cost.ratedUsd", "0.3333333333");

        UsageRecorded decoded = (UsageRecorded) decode(json);

        assertThat(decoded.cost().realUsd()).isEqualTo(new BigDecimal("0.1000000000"));
        assertThat(decoded.cost().ratedUsd()).isEqualTo(new BigDecimal("0.3333333333"));
    }
}
