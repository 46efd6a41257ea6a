package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.batch;
import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static dev.usageledger.fixtures.IngestJson.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /v1/usage-events} against a real broker: CONTRACT §1 rule by rule. */
class UsageEventsIT extends LiveKafkaContext {

    private static final String PATH = "/v1/usage-events";

    @Test
    void acceptsAValidBatchAndPublishesEveryEventKeyedByApiKeyIdWithCatalogPricing() {
        String key = uniqueId("key");
        String other = uniqueId("key");
        ObjectNode first = usage(uniqueId("req"), key);
        ObjectNode second = usage(uniqueId("req"), other);

        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(first, second));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("accepted").asInt()).isEqualTo(2);
        List<TopicReader.Message> messages = published(2, key, other);
        assertThat(messages).hasSize(2);
        TopicReader.Message message = messages.stream().filter(m -> m.key().equals(key)).findFirst().orElseThrow();
        assertThat(message.typeHeader()).isEqualTo("usage.recorded");
        UsageRecorded event = (UsageRecorded) message.event();
        assertThat(event.schemaVersion()).isEqualTo(LedgerEvent.CURRENT_SCHEMA_VERSION);
        assertThat(event.requestId()).isEqualTo(first.get("requestId").asString());
        assertThat(event.occurredAt()).isEqualTo(Instant.parse(first.get("occurredAt").asString()));
        assertThat(event.apiKeyId()).isEqualTo(key);
        assertThat(event.accountId()).isEqualTo("acc_claude_12");
        assertThat(event.accountType()).isEqualTo("claude-official");
        assertThat(event.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(event.usage().cacheRead()).isEqualTo(20000);
        assertThat(event.usage().ephemeral1h()).isEqualTo(1000);
        assertThat(event.serviceTier()).isEqualTo("standard");
        assertThat(event.endpoint()).isEqualTo("/v1/messages");
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.stream()).isTrue();
        assertThat(event.durationMs()).isEqualTo(5234L);
        assertThat(event.relayId()).isEqualTo("relay-a");
        assertThat(event.receivedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        // 1200×3e-6 + 350×15e-6 + 3000×3.75e-6 + 1000×6e-6 + 20000×0.3e-6 = 0.0321 (Sonnet 4.5 list prices)
        assertThat(event.cost().source()).isEqualTo(PricingSource.CATALOG);
        assertThat(event.cost().realUsd()).isEqualTo(new BigDecimal("0.0321000000"));
        assertThat(event.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0385200000")); // claude service rate 1.2
        assertThat(event.cost().breakdown().cacheWrite1h()).isEqualTo(new BigDecimal("0.0060000000"));
        assertThat(event.cost().pricingVersion()).startsWith("sha256:");
        assertThat(message.json()).contains("\"realUsd\":\"0.0321000000\"");
    }

    @Test
    void publishesOneTransactionOfAThousandEvents() {
        String key = uniqueId("key");
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(usage(uniqueId("req"), key));
        }
        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(events));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("accepted").asInt()).isEqualTo(1000);
        assertThat(published(1000, key)).hasSize(1000).allSatisfy(m -> assertThat(m.key()).isEqualTo(key));
    }

    @Test
    void publishesConcurrentRequestsSharingTransactionsEachWholeAndOnce() throws Exception {
        String key = uniqueId("key");
        int requests = 16;
        int perRequest = 25;
        List<String> sent = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = 0; i < perRequest; i++) {
                String id = uniqueId("req");
                sent.add(id);
                events.add(usage(id, key));
            }
            bodies.add(batch(events));
        }
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            List<Future<Api.Answer>> answers = new ArrayList<>();
            for (String body : bodies) {
                answers.add(clients.submit(() -> api.post(PATH, RELAY_TOKEN, body)));
            }
            for (Future<Api.Answer> answer : answers) {
                Api.Answer a = answer.get();
                assertThat(a.status()).as(a.body()).isEqualTo(202);
                assertThat(a.json().get("accepted").asInt()).isEqualTo(perRequest);
            }
        } finally {
            clients.shutdownNow();
        }

        List<String> published = published(requests * perRequest, key).stream()
                .map(m -> ((UsageRecorded) m.event()).requestId()).toList();
        assertThat(published).hasSize(requests * perRequest).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void appliesTheKeyRateOnTopOfTheServiceRate() {
        ObjectNode event = usage(uniqueId("req"), "key.discount");
        event.put("requestId", uniqueId("discount"));

        assertThat(api.post(PATH, RELAY_TOKEN, batch(event)).status()).isEqualTo(202);

        UsageRecorded recorded = (UsageRecorded) published(1, "key.discount").stream()
                .filter(m -> ((UsageRecorded) m.event()).requestId().equals(event.get("requestId").asString()))
                .findFirst().orElseThrow().event();
        assertThat(recorded.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0192600000")); // 0.0321 × 1.2 × 0.5
    }

    @Test
    void keepsTheCostTheRelaySentWithSourceRelayAndNoBreakdown() {
        String key = uniqueId("key");
        ObjectNode event = usage(uniqueId("req"), key);
        event.putObject("cost").put("realUsd", "0.0123").put("ratedUsd", new BigDecimal("0.0150"));

        assertThat(api.post(PATH, RELAY_TOKEN, batch(event)).status()).isEqualTo(202);

        UsageRecorded recorded = (UsageRecorded) published(1, key).get(0).event();
        assertThat(recorded.cost().source()).isEqualTo(PricingSource.RELAY);
        assertThat(recorded.cost().realUsd()).isEqualByComparingTo("0.0123");
        assertThat(recorded.cost().ratedUsd()).isEqualByComparingTo("0.0150");
        assertThat(recorded.cost().breakdown()).isNull();
        assertThat(recorded.cost().pricingVersion()).startsWith("sha256:");
    }

    @Test
    void storesTheNormalisedModelAndKeepsTheReportedName() {
        String key = uniqueId("key");
        ObjectNode event = usage(uniqueId("req"), key);
        event.put("model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        event.put("accountType", "bedrock");

        assertThat(api.post(PATH, RELAY_TOKEN, batch(event)).status()).isEqualTo(202);

        UsageRecorded recorded = (UsageRecorded) published(1, key).get(0).event();
        assertThat(recorded.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(recorded.reportedModel()).isEqualTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(recorded.cost().realUsd()).isEqualTo(new BigDecimal("0.0321000000"));
        assertThat(recorded.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0321000000")); // bedrock: no rate set
    }

    @Test
    void pricesAModelTheCatalogDoesNotKnowAtZeroAsUnpriced() {
        String key = uniqueId("key");
        ObjectNode event = usage(uniqueId("req"), key);
        event.put("model", "acme-model-that-does-not-exist");

        assertThat(api.post(PATH, RELAY_TOKEN, batch(event)).status()).isEqualTo(202);

        UsageRecorded recorded = (UsageRecorded) published(1, key).get(0).event();
        assertThat(recorded.cost().source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(recorded.cost().realUsd()).isEqualByComparingTo("0");
        assertThat(api.get("/actuator/prometheus").body())
                .contains("ledger_pricing_unpriced_total{application=\"relay-api\",model=\"acme-model-that-does-not-exist\"}");
    }

    @Test
    void acceptsARepeatedRequestIdWithinABatchAndCountsEveryEventOfTheAnswer() {
        String key = uniqueId("key");
        String requestId = uniqueId("req");
        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(usage(requestId, key), usage(requestId, key)));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(published(2, key)).hasSize(2);
    }

    @Test
    void recordsTheNameOfTheRelayTokenAsRelayId() {
        String key = uniqueId("key");
        assertThat(api.post(PATH, RELAY_B_TOKEN, batch(usage(uniqueId("req"), key))).status()).isEqualTo(202);
        assertThat(((UsageRecorded) published(1, key).get(0).event()).relayId()).isEqualTo("relay-b");
    }

    @Test
    void acceptsMissingOptionalFieldsAndUnknownFields() {
        String key = uniqueId("key");
        ObjectNode event = Api.JSON.createObjectNode();
        event.put("requestId", uniqueId("req"));
        // An offset other than Z is fine.
        event.put("occurredAt", Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS).toString()
                .replace("Z", "+00:00"));
        event.put("apiKeyId", key);
        event.put("model", "claude-sonnet-4-5");
        event.put("somethingNew", "ignored");

        assertThat(api.post(PATH, RELAY_TOKEN, batch(event)).status()).isEqualTo(202);
        UsageRecorded recorded = (UsageRecorded) published(1, key).get(0).event();
        assertThat(recorded.usage().total()).isZero();
        assertThat(recorded.accountId()).isNull();
    }

    static Stream<Arguments> brokenRules() {
        Instant now = Instant.now();
        List<Arguments> cases = new ArrayList<>(List.of(
                rule("requestId missing", e -> e.remove("requestId"), "requestId"),
                rule("requestId too long", e -> e.put("requestId", "r".repeat(129)), "requestId"),
                rule("requestId empty", e -> e.put("requestId", ""), "requestId"),
                rule("requestId with a space", e -> e.put("requestId", "req 1"), "requestId"),
                rule("requestId with a slash", e -> e.put("requestId", "req/1"), "requestId"),
                rule("requestId a number", e -> e.put("requestId", 12), "requestId"),
                rule("occurredAt missing", e -> e.remove("occurredAt"), "occurredAt"),
                rule("occurredAt without offset", e -> e.put("occurredAt", "2026-11-22T10:15:30.123"), "occurredAt"),
                rule("occurredAt microseconds", e -> e.put("occurredAt", now.truncatedTo(ChronoUnit.SECONDS)
                        .toString().replace("Z", ".123456Z")), "occurredAt"),
                rule("occurredAt a date only", e -> e.put("occurredAt", "2026-11-22"), "occurredAt"),
                rule("occurredAt 6 minutes ahead", e -> e.put("occurredAt",
                        now.plus(6, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).toString()), "occurredAt"),
                rule("occurredAt 31 days old", e -> e.put("occurredAt",
                        now.minus(31, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS).toString()), "occurredAt"),
                rule("apiKeyId missing", e -> e.remove("apiKeyId"), "apiKeyId"),
                rule("apiKeyId too long", e -> e.put("apiKeyId", "k".repeat(65)), "apiKeyId"),
                rule("apiKeyId bad characters", e -> e.put("apiKeyId", "key#1"), "apiKeyId"),
                rule("accountId too long", e -> e.put("accountId", "a".repeat(65)), "accountId"),
                rule("accountId bad characters", e -> e.put("accountId", "acc é"), "accountId"),
                rule("accountType upper case", e -> e.put("accountType", "Claude-Official"), "accountType"),
                rule("accountType too long", e -> e.put("accountType", "a".repeat(33)), "accountType"),
                rule("model missing", e -> e.remove("model"), "model"),
                rule("model non-printable", e -> e.put("model", "claude-sonnet\u0007"), "model"),
                rule("model non-ASCII", e -> e.put("model", "claude-sönnet"), "model"),
                rule("model too long", e -> e.put("model", "m".repeat(129)), "model"),
                rule("usage not an object", e -> e.put("usage", 5), "usage"),
                rule("ephemeral split above cacheCreate", e -> ((ObjectNode) e.get("usage"))
                        .put("ephemeral5mTokens", 3001), "usage.ephemeral5mTokens"),
                rule("cost with 11 fraction digits", e -> e.putObject("cost")
                        .put("realUsd", "0.00000000001").put("ratedUsd", "0.01"), "cost.realUsd"),
                rule("cost JSON number with 11 fraction digits", e -> e.putObject("cost")
                        .put("realUsd", "0.01").put("ratedUsd", new BigDecimal("0.01234567891")), "cost.ratedUsd"),
                rule("cost negative", e -> e.putObject("cost")
                        .put("realUsd", "-0.01").put("ratedUsd", "0.01"), "cost.realUsd"),
                rule("cost above 1,000,000", e -> e.putObject("cost")
                        .put("realUsd", "0.01").put("ratedUsd", "1000000.0000000001"), "cost.ratedUsd"),
                rule("cost realUsd only", e -> e.putObject("cost").put("realUsd", "0.01"), "cost.ratedUsd"),
                rule("cost ratedUsd only", e -> e.putObject("cost").put("ratedUsd", "0.01"), "cost.realUsd"),
                rule("cost not a number", e -> e.putObject("cost")
                        .put("realUsd", "abc").put("ratedUsd", "0.01"), "cost.realUsd"),
                rule("statusCode out of range", e -> e.put("statusCode", 600), "statusCode"),
                rule("longContext a string", e -> e.put("longContext", "true"), "longContext")));
        for (String field : List.of("inputTokens", "outputTokens", "cacheCreateTokens", "ephemeral5mTokens",
                "ephemeral1hTokens", "cacheReadTokens")) {
            cases.add(rule("usage." + field + " as \"12\"", e -> usageOf(e).put(field, "12"), "usage." + field));
            cases.add(rule("usage." + field + " as 1.5", e -> usageOf(e).put(field, new BigDecimal("1.5")),
                    "usage." + field));
            cases.add(rule("usage." + field + " as -1", e -> usageOf(e).put(field, -1), "usage." + field));
            cases.add(rule("usage." + field + " as 1000000001", e -> usageOf(e).put(field, 1_000_000_001L),
                    "usage." + field));
        }
        return cases.stream();
    }

    private static ObjectNode usageOf(ObjectNode event) {
        ObjectNode usage = (ObjectNode) event.get("usage");
        // Keep the split consistent so that only the rule under test is broken.
        usage.put("cacheCreateTokens", 4000).put("ephemeral5mTokens", 0).put("ephemeral1hTokens", 0);
        return usage;
    }

    private static Arguments rule(String name, Consumer<ObjectNode> breakIt, String field) {
        return arguments(name, breakIt, field);
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("brokenRules")
    void rejectsAnEventBreakingARuleNamingTheFieldAndPublishesNothing(String name, Consumer<ObjectNode> breakIt,
            String field) {
        ObjectNode event = usage(uniqueId("req"), uniqueId("key"));
        breakIt.accept(event);

        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(event));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode json = answer.json();
        assertThat(json.get("error").asString()).isEqualTo("invalid_request");
        assertThat(json.get("message").asString()).isNotBlank();
        assertThat(json.get("violations")).hasSize(1);
        JsonNode violation = json.get("violations").get(0);
        assertThat(violation.get("index").asInt()).isZero();
        assertThat(violation.get("field").asString()).isEqualTo(field);
        assertThat(violation.get("message").asString()).isNotBlank();
        assertNothingPublished();
    }

    @Test
    void rejectsTheWholeBatchWhenOnlyEventThreeIsBadAndPublishesNothing() {
        String key = uniqueId("key");
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(usage(uniqueId("req"), key));
        }
        usageOf(events.get(3)).put("inputTokens", "12");

        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(events));

        assertThat(answer.status()).isEqualTo(400);
        JsonNode violations = answer.json().get("violations");
        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).get("index").asInt()).isEqualTo(3);
        assertThat(violations.get(0).get("field").asString()).isEqualTo("usage.inputTokens");
        assertNothingPublished();
    }

    @Test
    void listsEveryBrokenRuleOfEveryEvent() {
        ObjectNode first = usage(uniqueId("req"), uniqueId("key"));
        first.remove("requestId");
        first.put("model", "");
        ObjectNode second = usage(uniqueId("req"), uniqueId("key"));
        second.put("apiKeyId", "bad key");

        JsonNode violations = api.post(PATH, RELAY_TOKEN, batch(first, second)).json().get("violations");

        assertThat(violations).hasSize(3);
        assertThat(violations.get(2).get("index").asInt()).isEqualTo(1);
        assertThat(violations.get(2).get("field").asString()).isEqualTo("apiKeyId");
        assertNothingPublished();
    }

    static Stream<Arguments> brokenBodies() {
        return Stream.of(
                arguments("body not JSON", "{\"events\": [", "body"),
                arguments("body empty", "", "body"),
                arguments("body trailing garbage", "{\"events\": []} x", "body"),
                arguments("body with a duplicate key", "{\"events\": [], \"events\": []}", "body"),
                arguments("body an array", "[]", "events"),
                arguments("events missing", "{}", "events"),
                arguments("events empty", "{\"events\": []}", "events"),
                arguments("events not an array", "{\"events\": {\"requestId\": \"r\"}}", "events"),
                arguments("event not an object", "{\"events\": [42]}", "events[0]"));
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("brokenBodies")
    void rejectsABrokenBodyNamingTheFieldAndPublishesNothing(String name, String body, String field) {
        Api.Answer answer = api.post(PATH, RELAY_TOKEN, body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("error").asString()).isEqualTo("invalid_request");
        assertThat(answer.json().get("violations").get(0).get("field").asString()).isEqualTo(field);
        assertNothingPublished();
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"<none>", "Bearer wrong-token-0123456789abc", "Bearer " + ADMIN_TOKEN,
            "Basic " + RELAY_TOKEN, "Bearer", RELAY_TOKEN, "Bearer " + RELAY_TOKEN + "x"})
    void answers401WithoutAValidRelayTokenAndPublishesNothing(String authorization) {
        Api.Answer answer = api.postAuthorized(PATH, authorization.equals("<none>") ? null : authorization,
                HttpRequest.BodyPublishers.ofString(batch(usage(uniqueId("req"), uniqueId("key")))));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").asString()).isEqualTo("unauthorized");
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertNothingPublished();
    }

    @Test
    void answers413ForABodyOverOneMebibyteAndPublishesNothing() {
        Api.Answer answer = api.post(PATH, RELAY_TOKEN, oversizedBody());

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("error").asString()).isEqualTo("payload_too_large");
        assertNothingPublished();
    }

    @Test
    void answers413ForAChunkedBodyOverOneMebibyteCountedWhileReading() {
        Api.Answer answer = api.postChunked(PATH, RELAY_TOKEN, oversizedBody());

        assertThat(answer.status()).isEqualTo(413);
        assertNothingPublished();
    }

    @Test
    void acceptsABodyOfExactlyOneMebibyte() {
        String key = uniqueId("key");
        String body = batch(usage(uniqueId("req"), key));
        String padded = body.substring(0, body.length() - 1) + ",\"pad\":\""
                + "x".repeat(1_048_576 - body.length() - 9) + "\"}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(1_048_576);

        assertThat(api.post(PATH, RELAY_TOKEN, padded).status()).isEqualTo(202);
    }

    @Test
    void answers413ForMoreThan1000EventsAndPublishesNothing() {
        String key = uniqueId("key");
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            events.add(usage(uniqueId("req"), key));
        }
        Api.Answer answer = api.post(PATH, RELAY_TOKEN, batch(events));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("message").asString()).contains("1001");
        assertNothingPublished();
    }

    @Test
    void answers401BeforeLookingAtAnOversizedBody() {
        assertThat(api.post(PATH, null, oversizedBody()).status()).isEqualTo(401);
        assertThat(api.post(PATH, ADMIN_TOKEN, oversizedBody()).status()).isEqualTo(401);
        assertNothingPublished();
    }

    @Test
    void answers413RatherThan400ForTooManyInvalidEventsOrAnOversizedMalformedBody() {
        StringBuilder many = new StringBuilder("{\"events\": [");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{\"usage\": \"bad\"}");
        }
        many.append("]}");
        assertThat(api.post(PATH, RELAY_TOKEN, many.toString()).status()).isEqualTo(413);

        byte[] malformed = ("{\"events\": [ " + " ".repeat(1_048_576) + " oops").getBytes(StandardCharsets.UTF_8);
        assertThat(api.post(PATH, RELAY_TOKEN, malformed).status()).isEqualTo(413);
        assertNothingPublished();
    }

    private static byte[] oversizedBody() {
        String body = batch(usage(uniqueId("req"), uniqueId("key")));
        return (body.substring(0, body.length() - 1) + ",\"pad\":\"" + "x".repeat(1_048_576) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
