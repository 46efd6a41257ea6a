package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.adjustment;
import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.usageledger.projections.event.CostAdjusted;
import java.math.BigDecimal;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /v1/cost-adjustments} against a real broker: CONTRACT §2. */
class CostAdjustmentsIT extends LiveKafkaContext {

    private static final String PATH = "/v1/cost-adjustments";

    @Test
    void acceptsAValidAdjustmentAndPublishesACostAdjustedEvent() {
        String key = uniqueId("key");
        ObjectNode body = adjustment(uniqueId("adj"), key);
        body.put("model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0");

        Api.Answer answer = api.post(PATH, ADMIN_TOKEN, body.toString());

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.json().get("accepted").asInt()).isEqualTo(1);
        TopicReader.Message message = published(1, key).get(0);
        assertThat(message.typeHeader()).isEqualTo("cost.adjusted");
        CostAdjusted event = (CostAdjusted) message.event();
        assertThat(event.adjustmentId()).isEqualTo(body.get("adjustmentId").asString());
        assertThat(event.apiKeyId()).isEqualTo(key);
        assertThat(event.accountId()).isEqualTo("acc_claude_12");
        assertThat(event.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(event.realUsd()).isEqualTo(new BigDecimal("-1.2500000000"));
        assertThat(event.ratedUsd()).isEqualTo(new BigDecimal("-1.5000000000"));
        assertThat(event.reason()).isEqualTo("credit for outage");
        assertThat(event.requestedBy()).isEqualTo("ops");
        assertThat(event.receivedAt()).isNotNull();
    }

    @Test
    void defaultsTheModelToAnyAndAcceptsTheSameAdjustmentTwice() {
        String key = uniqueId("key");
        String body = adjustment(uniqueId("adj"), key).toString();

        assertThat(api.post(PATH, ADMIN_TOKEN, body).status()).isEqualTo(202);
        assertThat(api.post(PATH, ADMIN_TOKEN, body).status()).isEqualTo(202);

        // Both are published; the consumer counts the adjustmentId once.
        assertThat(published(2, key)).hasSize(2)
                .allSatisfy(m -> assertThat(((CostAdjusted) m.event()).model()).isEqualTo("*"));
    }

    static Stream<Arguments> badAdjustments() {
        return Stream.of(
                bad("realUsd with 11 fraction digits", a -> a.put("realUsd", "-1.00000000001"), "realUsd"),
                bad("ratedUsd JSON number with 11 fraction digits",
                        a -> a.put("ratedUsd", new BigDecimal("1.00000000001")), "ratedUsd"),
                bad("realUsd not a number", a -> a.put("realUsd", "one"), "realUsd"),
                bad("realUsd below -1,000,000", a -> a.put("realUsd", "-1000000.01"), "realUsd"),
                bad("ratedUsd above 1,000,000", a -> a.put("ratedUsd", "1000001"), "ratedUsd"),
                bad("ratedUsd missing", a -> a.remove("ratedUsd"), "ratedUsd"),
                bad("realUsd a boolean", a -> a.put("realUsd", true), "realUsd"),
                bad("adjustmentId missing", a -> a.remove("adjustmentId"), "adjustmentId"),
                bad("adjustmentId bad characters", a -> a.put("adjustmentId", "adj 1"), "adjustmentId"),
                bad("apiKeyId missing", a -> a.remove("apiKeyId"), "apiKeyId"),
                bad("occurredAt without offset", a -> a.put("occurredAt", "2026-11-22T00:00:00"), "occurredAt"),
                bad("model non-printable", a -> a.put("model", "x\ty"), "model"));
    }

    private static Arguments bad(String name, Consumer<ObjectNode> breakIt, String field) {
        return arguments(name, breakIt, field);
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("badAdjustments")
    void rejectsABadAdjustmentNamingTheFieldAndPublishesNothing(String name, Consumer<ObjectNode> breakIt,
            String field) {
        ObjectNode body = adjustment(uniqueId("adj"), uniqueId("key"));
        breakIt.accept(body);

        Api.Answer answer = api.post(PATH, ADMIN_TOKEN, body.toString());

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("error").asString()).isEqualTo("invalid_request");
        assertThat(answer.json().get("violations").get(0).get("field").asString()).isEqualTo(field);
        assertNothingPublished();
    }

    @Test
    void answers401ForARelayTokenOrNoTokenAndPublishesNothing() {
        String body = adjustment(uniqueId("adj"), uniqueId("key")).toString();

        assertThat(api.post(PATH, RELAY_TOKEN, body).status()).isEqualTo(401);
        assertThat(api.post(PATH, null, body).status()).isEqualTo(401);
        assertNothingPublished();
    }

    @Test
    void answers413ForABodyOverOneMebibyte() {
        String body = adjustment(uniqueId("adj"), uniqueId("key")).put("reason", "x".repeat(1_100_000)).toString();

        assertThat(api.post(PATH, ADMIN_TOKEN, body).status()).isEqualTo(413);
        assertNothingPublished();
    }
}
