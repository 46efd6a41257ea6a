package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.ServiceRates;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One request repriced: the signed difference to a fresh pricing, net of earlier repricings, under a stable id. */
class RepricingTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final Instant RUN = Instant.parse("2026-12-01T00:00:00Z");
    // 1,000 input tokens at 3 and 100 output tokens at 15 dollars per million: 0.0045 dollars; doubled 0.009.
    private static final String PRICES = "{\"model-a\": {\"input_cost_per_token\": %s, \"output_cost_per_token\": %s,"
            + " \"litellm_provider\": \"anthropic\", \"mode\": \"chat\"}}";
    private static final PricingCatalog BASE = catalog("3e-06", "1.5e-05");
    private static final PricingCatalog DOUBLED = catalog("6e-06", "3e-05");

    private static PricingCatalog catalog(String input, String output) {
        return PricingCatalog.parse(String.format(PRICES, input, output).getBytes(StandardCharsets.UTF_8), "test");
    }

    private static LedgerRequest request(String model, String real, String rated) {
        return new LedgerRequest("req_1", AT, "key_1", "acc_1", "claude-official", model,
                new TokenUsage(1000, 100, 0, 0, 0, 0), null, new BigDecimal(real), new BigDecimal(rated),
                PricingSource.CATALOG);
    }

    private static Repricing repricing(PricingCatalog catalog, ServiceRates rates) {
        return new Repricing(new Pricer(catalog, rates, null), RUN);
    }

    @Test
    void aRequestAtTheFreshPriceIsUnchanged() {
        assertThat(repricing(BASE, ServiceRates.NONE).reprice(request("model-a", "0.0045", "0.0045"), List.of()))
                .isInstanceOf(Repricing.Unchanged.class);
    }

    @Test
    void adjustsByTheSignedDifferenceRealAndRatedNamingTheRequest() {
        ServiceRates rates = new ServiceRates(Map.of("claude", new BigDecimal("0.5")), Map.of());
        Repricing.Outcome outcome = repricing(DOUBLED, rates).reprice(request("model-a", "0.0045", "0.006"),
                List.of());

        CostAdjusted a = ((Repricing.Adjust) outcome).adjustment();
        assertThat(a.realUsd()).isEqualByComparingTo("0.0045");
        assertThat(a.ratedUsd()).as("0.009 × 0.5 − 0.006").isEqualByComparingTo("-0.0015");
        assertThat(a.requestId()).isEqualTo("req_1");
        assertThat(a.occurredAt()).isEqualTo(AT);
        assertThat(a.apiKeyId()).isEqualTo("key_1");
        assertThat(a.accountId()).isEqualTo("acc_1");
        assertThat(a.model()).isEqualTo("model-a");
        assertThat(a.receivedAt()).isEqualTo(RUN);
        assertThat(a.schemaVersion()).isEqualTo(LedgerEvent.CURRENT_SCHEMA_VERSION);
        assertThat(a.adjustmentId()).startsWith(Repricing.ID_PREFIX).hasSize(Repricing.ID_PREFIX.length() + 32);
        assertThat(a.reason()).contains(DOUBLED.version());
    }

    @Test
    void theSameRepricingHasTheSameIdAndAnotherCatalogOrHistoryAnother() {
        LedgerRequest r = request("model-a", "0.001", "0.001");
        String id = adjustmentId(repricing(DOUBLED, ServiceRates.NONE).reprice(r, List.of()));

        assertThat(adjustmentId(new Repricing(new Pricer(DOUBLED, ServiceRates.NONE, null), RUN.plusSeconds(60))
                .reprice(r, List.of()))).isEqualTo(id);
        assertThat(adjustmentId(repricing(BASE, ServiceRates.NONE).reprice(r, List.of()))).isNotEqualTo(id);
        Repricing.Prior earlier = new Repricing.Prior("reprice:0123", new BigDecimal("0.001"), BigDecimal.ZERO);
        assertThat(adjustmentId(repricing(DOUBLED, ServiceRates.NONE).reprice(r, List.of(earlier))))
                .isNotEqualTo(id);
    }

    @Test
    void earlierRepricingsCountTowardsTheFreshPrice() {
        LedgerRequest r = request("model-a", "0.0045", "0.0045");
        Repricing.Prior doubled = new Repricing.Prior("reprice:aa", new BigDecimal("0.0045"), new BigDecimal("0.0045"));

        assertThat(repricing(DOUBLED, ServiceRates.NONE).reprice(r, List.of(doubled)))
                .isInstanceOf(Repricing.Unchanged.class);
        CostAdjusted back = ((Repricing.Adjust) repricing(BASE, ServiceRates.NONE).reprice(r, List.of(doubled)))
                .adjustment();
        assertThat(back.realUsd()).isEqualByComparingTo("-0.0045");
        assertThat(back.ratedUsd()).isEqualByComparingTo("-0.0045");
    }

    @Test
    void aModelTheCatalogDoesNotKnowIsUnpricedNotAdjusted() {
        assertThat(repricing(DOUBLED, ServiceRates.NONE).reprice(request("model-z", "0.5", "0.5"), List.of()))
                .isInstanceOf(Repricing.Unpriced.class);
    }

    private static String adjustmentId(Repricing.Outcome outcome) {
        return ((Repricing.Adjust) outcome).adjustment().adjustmentId();
    }
}
