package dev.usageledger.relayapi.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.TokenUsage;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.event.UsageReport;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.PricingSource;
import dev.usageledger.projections.pricing.ServiceRates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageEventsTest {

    private static final Instant OCCURRED = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:15:31Z");
    private static final TokenUsage USAGE = new TokenUsage(1200, 350, 4000, 3000, 1000, 20000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UsageEvents events = new UsageEvents(new Pricer(PricingCatalog.bundled(),
            new ServiceRates(Map.of(ServiceRates.CLAUDE, new BigDecimal("1.2")), Map.of()), registry));

    private static UsageReport report(String model, BigDecimal real, BigDecimal rated) {
        return new UsageReport("req_1", OCCURRED, "key_1", "acc_1", "claude-official", model, "us.anthropic." + model,
                USAGE, "standard", false, "/v1/messages", 200, true, 5234L, real, rated);
    }

    @Test
    void pricesAReportWithoutCostFromTheCatalogAndAppliesTheServiceRate() {
        UsageRecorded event = events.record(report("claude-sonnet-4-5-20250929", null, null), "node-1", RECEIVED);

        assertThat(event.cost().source()).isEqualTo(PricingSource.CATALOG);
        assertThat(event.cost().realUsd()).isEqualTo(new BigDecimal("0.0321000000"));
        assertThat(event.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0385200000"));
        assertThat(event.cost().breakdown()).isNotNull();
    }

    @Test
    void keepsTheRelaysCostAsIsWithSourceRelayAndTheCatalogVersion() {
        UsageRecorded event = events.record(report("claude-sonnet-4-5-20250929", new BigDecimal("0.0123000000"),
                new BigDecimal("0.0150000000")), "node-1", RECEIVED);

        assertThat(event.cost().source()).isEqualTo(PricingSource.RELAY);
        assertThat(event.cost().realUsd()).isEqualTo(new BigDecimal("0.0123000000"));
        assertThat(event.cost().ratedUsd()).isEqualTo(new BigDecimal("0.0150000000"));
        assertThat(event.cost().breakdown()).isNull();
        assertThat(event.cost().pricingVersion()).isEqualTo(PricingCatalog.bundled().version());
    }

    @Test
    void copiesEveryReportedFieldAndStampsRelayAndReceipt() {
        UsageRecorded event = events.record(report("claude-sonnet-4-5-20250929", null, null), "node-1", RECEIVED);

        assertThat(event.schemaVersion()).isEqualTo(1);
        assertThat(event.requestId()).isEqualTo("req_1");
        assertThat(event.occurredAt()).isEqualTo(OCCURRED);
        assertThat(event.apiKeyId()).isEqualTo("key_1");
        assertThat(event.accountId()).isEqualTo("acc_1");
        assertThat(event.accountType()).isEqualTo("claude-official");
        assertThat(event.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(event.reportedModel()).isEqualTo("us.anthropic.claude-sonnet-4-5-20250929");
        assertThat(event.usage()).isEqualTo(USAGE);
        assertThat(event.serviceTier()).isEqualTo("standard");
        assertThat(event.endpoint()).isEqualTo("/v1/messages");
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.stream()).isTrue();
        assertThat(event.durationMs()).isEqualTo(5234L);
        assertThat(event.relayId()).isEqualTo("node-1");
        assertThat(event.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void countsAnUnknownModelAsUnpricedAtZero() {
        UsageRecorded event = events.record(report("no-such-model", null, null), "node-1", RECEIVED);

        assertThat(event.cost().source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(event.cost().realUsd()).isEqualByComparingTo("0");
        assertThat(registry.get(Pricer.UNPRICED_METRIC).tag("model", "no-such-model").counter().count()).isEqualTo(1);
    }
}
