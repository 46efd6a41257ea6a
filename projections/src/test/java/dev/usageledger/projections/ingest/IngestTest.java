package dev.usageledger.projections.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.InputRules;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.event.Violation;
import dev.usageledger.projections.ingest.IngestResult.Accepted;
import dev.usageledger.projections.ingest.IngestResult.Reason;
import dev.usageledger.projections.ingest.IngestResult.Rejected;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.ServiceRates;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One request body in, the events to publish or the refusal out: CONTRACT §1 and §2 through {@link Ingest}. */
class IngestTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final EventCodec CODEC = new EventCodec();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger clockReads = new AtomicInteger();
    private final InstantSource clock = () -> {
        clockReads.incrementAndGet();
        return NOW;
    };
    private final Pricer pricer = new Pricer(PricingCatalog.bundled(),
            new ServiceRates(Map.of(ServiceRates.CLAUDE, new BigDecimal("1.2")), Map.of()), registry);
    private final Ingest ingest = new Ingest(InputRules.DEFAULTS, pricer, CODEC, clock);

    private static String event(String requestId, String model, String extra) {
        return """
                {"requestId": "%s", "occurredAt": "2026-11-22T10:15:30.123Z", "apiKeyId": "key_1",
                 "accountId": "acc_1", "accountType": "claude-official", "model": "%s",
                 "usage": {"inputTokens": 1200, "outputTokens": 350, "cacheCreateTokens": 4000,
                           "ephemeral5mTokens": 3000, "ephemeral1hTokens": 1000, "cacheReadTokens": 20000},
                 "serviceTier": "standard", "longContext": false, "endpoint": "/v1/messages", "statusCode": 200,
                 "stream": true, "durationMs": 5234%s}""".formatted(requestId, model, extra);
    }

    private static byte[] batch(String... events) {
        return ("{\"events\": [" + String.join(", ", events) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<EncodedEvent> accepted(IngestResult result) {
        assertThat(result).isInstanceOf(Accepted.class);
        return ((Accepted) result).events();
    }

    private static Rejected rejected(IngestResult result) {
        assertThat(result).isInstanceOf(Rejected.class);
        return (Rejected) result;
    }

    private UsageRecorded onlyUsage(byte[] body) {
        List<EncodedEvent> events = accepted(ingest.usageEvents(body, "node-1"));
        assertThat(events).hasSize(1);
        return (UsageRecorded) CODEC.decode(events.get(0).value());
    }

    @Test
    void pricesAnEventWithoutCostFromTheCatalogAndAppliesTheServiceRate() {
        UsageRecorded event = onlyUsage(batch(event("req_1", MODEL, "")));

        assertThat(event.cost().source()).isEqualTo(PricingSource.CATALOG);
        assertThat(event.cost().realUsd()).isEqualTo(new BigDecimal("0.0321000000"));
        assertThat(event.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0385200000"));
        assertThat(event.cost().breakdown()).isNotNull();
        assertThat(event.cost().pricingVersion()).isEqualTo(PricingCatalog.bundled().version());
    }

    @Test
    void keepsTheRelaysCostAsIsWithSourceRelayAndTheCatalogVersion() {
        UsageRecorded event = onlyUsage(batch(event("req_1", MODEL,
                ", \"cost\": {\"realUsd\": \"0.0123000000\", \"ratedUsd\": \"0.0150000000\"}")));

        assertThat(event.cost().source()).isEqualTo(PricingSource.RELAY);
        assertThat(event.cost().realUsd()).isEqualTo(new BigDecimal("0.0123000000"));
        assertThat(event.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0150000000"));
        assertThat(event.cost().breakdown()).isNull();
        assertThat(event.cost().pricingVersion()).isEqualTo(PricingCatalog.bundled().version());
    }

    @Test
    void copiesEveryReportedFieldAndStampsRelayAndReceipt() {
        UsageRecorded event = onlyUsage(batch(event("req_1", "us.anthropic." + MODEL + "-v1:0", "")));

        assertThat(event.schemaVersion()).isEqualTo(LedgerEvent.CURRENT_SCHEMA_VERSION);
        assertThat(event.requestId()).isEqualTo("req_1");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(event.apiKeyId()).isEqualTo("key_1");
        assertThat(event.accountId()).isEqualTo("acc_1");
        assertThat(event.accountType()).isEqualTo("claude-official");
        assertThat(event.model()).isEqualTo(MODEL);
        assertThat(event.reportedModel()).isEqualTo("us.anthropic." + MODEL + "-v1:0");
        assertThat(event.usage()).isEqualTo(new TokenUsage(1200, 350, 4000, 3000, 1000, 20000));
        assertThat(event.serviceTier()).isEqualTo("standard");
        assertThat(event.longContext()).isFalse();
        assertThat(event.endpoint()).isEqualTo("/v1/messages");
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.stream()).isTrue();
        assertThat(event.durationMs()).isEqualTo(5234L);
        assertThat(event.relayId()).isEqualTo("node-1");
        assertThat(event.receivedAt()).isEqualTo(NOW);
    }

    @Test
    void countsAnUnknownModelAsUnpricedAtZero() {
        UsageRecorded event = onlyUsage(batch(event("req_1", "no-such-model", "")));

        assertThat(event.cost().source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(event.cost().realUsd()).isEqualByComparingTo("0");
        assertThat(registry.get(Pricer.UNPRICED_METRIC).tag("model", "no-such-model").counter().count()).isEqualTo(1);
    }

    @Test
    void encodesEveryEventOfABatchInBatchOrderKeyedByApiKeyWithOneReceiptInstant() {
        List<EncodedEvent> events = accepted(ingest.usageEvents(
                batch(event("req_b", MODEL, ""), event("req_a", MODEL, ""), event("req_c", MODEL, "")), "node-1"));

        assertThat(events).extracting(e -> ((UsageRecorded) CODEC.decode(e.value())).requestId())
                .containsExactly("req_b", "req_a", "req_c");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.key()).isEqualTo("key_1");
            assertThat(e.type()).isEqualTo(UsageRecorded.TYPE);
            assertThat(e.value()).isEqualTo(CODEC.encode(CODEC.decode(e.value())));
        });
        assertThat(clockReads).hasValue(1);
    }

    @Test
    void listsEveryBrokenRuleOfEveryEventAndAcceptsNothing() {
        Rejected rejected = rejected(ingest.usageEvents(batch(event("req 1", MODEL, ""),
                event("req_2", MODEL, ""), event("req_3", "", "")), "node-1"));

        assertThat(rejected.reason()).isEqualTo(Reason.INVALID);
        assertThat(rejected.message())
                .isEqualTo("the batch was rejected and nothing of it was accepted: 2 rules are broken");
        assertThat(rejected.violations()).extracting(Violation::index, Violation::field)
                .containsExactly(tuple(0, "requestId"), tuple(2, "model"));
        assertThat(rejected.events()).isEqualTo(3);
    }

    @Test
    void refusesMoreEventsThanOneRequestMayHoldBeforeReadingTheRules() {
        Ingest two = new Ingest(new InputRules(Duration.ofDays(30), Duration.ofMinutes(5), 2), pricer, CODEC, clock);

        Rejected rejected = rejected(two.usageEvents(batch("{}", "{}", "{}"), "node-1"));

        assertThat(rejected.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(rejected.message()).isEqualTo("the batch holds 3 events; at most 2 are accepted per request");
        assertThat(rejected.violations()).isEmpty();
        assertThat(rejected.events()).isEqualTo(3);
        assertThat(clockReads).hasValue(0);
    }

    @Test
    void refusesABodyThatIsNotJsonNamingTheFieldBodyWithoutCountingEvents() {
        for (IngestResult result : List.of(ingest.usageEvents("{\"events\": [".getBytes(StandardCharsets.UTF_8), "n"),
                ingest.costAdjustment("{} {}".getBytes(StandardCharsets.UTF_8), "admin"))) {
            Rejected rejected = rejected(result);
            assertThat(rejected.reason()).isEqualTo(Reason.INVALID);
            assertThat(rejected.message()).startsWith("the body is not valid JSON: ");
            assertThat(rejected.violations()).singleElement().satisfies(v -> {
                assertThat(v.index()).isNull();
                assertThat(v.field()).isEqualTo("body");
                assertThat(rejected.message()).isEqualTo("the body " + v.message());
            });
            assertThat(rejected.events()).isEqualTo(-1);
        }
        assertThat(rejected(ingest.usageEvents(new byte[0], "n")).message()).isEqualTo("the body is empty");
    }

    @Test
    void turnsACostAdjustmentIntoOneEventStampedWithTheAdminAndTheReceipt() {
        byte[] body = """
                {"adjustmentId": "adj_1", "apiKeyId": "key_1", "model": "us.anthropic.%s",
                 "occurredAt": "2026-11-22T00:00:00Z", "realUsd": "-1.25", "ratedUsd": "-1.50", "reason": "credit"}"""
                .formatted(MODEL).getBytes(StandardCharsets.UTF_8);

        List<EncodedEvent> events = accepted(ingest.costAdjustment(body, "ops"));

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("key_1");
            assertThat(e.type()).isEqualTo(CostAdjusted.TYPE);
            CostAdjusted event = (CostAdjusted) CODEC.decode(e.value());
            assertThat(event.adjustmentId()).isEqualTo("adj_1");
            assertThat(event.model()).isEqualTo(MODEL);
            assertThat(event.realUsd()).isEqualByComparingTo("-1.25");
            assertThat(event.ratedUsd()).isEqualByComparingTo("-1.50");
            assertThat(event.requestedBy()).isEqualTo("ops");
            assertThat(event.receivedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void refusesACostAdjustmentWithABrokenRuleAsOneEvent() {
        String body = "{\"apiKeyId\": \"key_1\", \"occurredAt\": \"2026-11-22T00:00:00Z\", \"realUsd\": \"1\","
                + " \"ratedUsd\": \"1\"}";
        Rejected rejected = rejected(ingest.costAdjustment(body.getBytes(StandardCharsets.UTF_8), "ops"));

        assertThat(rejected.reason()).isEqualTo(Reason.INVALID);
        assertThat(rejected.message())
                .isEqualTo("the adjustment was rejected and nothing of it was accepted: 1 rule is broken");
        assertThat(rejected.violations()).extracting(Violation::field).containsExactly("adjustmentId");
        assertThat(rejected.events()).isEqualTo(1);
    }
}
