package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServiceRates rates = new ServiceRates(
            Map.of("claude", new BigDecimal("1.2"), "codex", new BigDecimal("1.5")),
            Map.of("key-1", Map.of("claude", new BigDecimal("0.5"), "codex", new BigDecimal("0.8"))));
    private final Pricer pricer = new Pricer(PricingCatalog.bundled(), rates, registry);

    @Test
    void assessesRealAndRatedCostOfASonnetRequest() {
        TokenUsage usage = new TokenUsage(1_000, 500, 3_000, 1_000, 1_500, 20_000);

        AssessedCost a = pricer.assess("key-1", "claude-official", "claude-sonnet-4-5-20250929", usage, null);

        assertThat(a.realUsd()).isEqualTo(new BigDecimal("0.0311250000"));
        // × 1.2 (global claude) × 0.5 (key-1 claude)
        assertThat(a.ratedUsd()).isEqualTo(new BigDecimal("0.0186750000"));
        assertThat(a.breakdown().cacheWrite5m()).isEqualTo(new BigDecimal("0.0056250000"));
        assertThat(a.source()).isEqualTo(PricingSource.CATALOG);
        assertThat(a.pricingVersion()).isEqualTo(pricer.catalog().version());
    }

    @Test
    void assessesGpt5StandardAndPriorityWithCodexRates() {
        TokenUsage usage = new TokenUsage(10_000, 2_000, 0, 0, 0, 50_000);

        AssessedCost standard = pricer.assess("key-1", "openai-responses", "gpt-5", usage, "default");
        AssessedCost priority = pricer.assess("key-1", "openai-responses", "gpt-5", usage, "priority");

        assertThat(standard.realUsd()).isEqualTo(new BigDecimal("0.0387500000"));
        // × 1.5 × 0.8
        assertThat(standard.ratedUsd()).isEqualTo(new BigDecimal("0.0465000000"));
        assertThat(priority.realUsd()).isEqualTo(new BigDecimal("0.0775000000"));
        assertThat(priority.ratedUsd()).isEqualTo(new BigDecimal("0.0930000000"));
    }

    @Test
    void infersTheServiceFromTheModelWithoutAccountType() {
        TokenUsage usage = new TokenUsage(10_000, 2_000, 0, 0, 0, 50_000);
        AssessedCost a = pricer.assess("key-2", null, "gpt-5", usage, null);
        // only the global codex rate 1.5 applies to key-2
        assertThat(a.ratedUsd()).isEqualTo(new BigDecimal("0.0581250000"));
    }

    @Test
    void unknownModelIsPricedZeroUnpricedAndCounted() {
        TokenUsage usage = new TokenUsage(1_000, 500, 0, 0, 0, 0);

        AssessedCost first = pricer.assess("key-1", "claude-console", "mystery-9", usage, null);
        pricer.assess("key-1", "claude-console", "mystery-9", usage, null);
        pricer.assess("key-1", "claude-console", null, usage, null);

        assertThat(first.realUsd()).isEqualTo(new BigDecimal("0.0000000000"));
        assertThat(first.ratedUsd()).isEqualTo(new BigDecimal("0.0000000000"));
        assertThat(first.source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(registry.get(Pricer.UNPRICED_METRIC).tag("model", "mystery-9").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get(Pricer.UNPRICED_METRIC).tag("model", "none").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void pricedModelsAreNotCounted() {
        pricer.assess("key-1", "claude", "claude-haiku-4-5-20251001", TokenUsage.ZERO, null);
        assertThat(registry.find(Pricer.UNPRICED_METRIC).counters()).isEmpty();
    }

    @Test
    void worksWithoutAMeterRegistry() {
        Pricer quiet = new Pricer(PricingCatalog.bundled(), ServiceRates.NONE, null);
        AssessedCost a = quiet.assess(null, null, "mystery-9", TokenUsage.ZERO, null);
        assertThat(a.source()).isEqualTo(PricingSource.UNPRICED);
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(PricingSource.CATALOG.wireName()).isEqualTo("catalog");
        assertThat(PricingSource.RELAY.wireName()).isEqualTo("relay");
        assertThat(PricingSource.UNPRICED.wireName()).isEqualTo("unpriced");
        assertThat(PricingSource.fromWireName("Relay")).isEqualTo(PricingSource.RELAY);
    }
}
