package dev.usageledger.projections.pricing;

import static dev.usageledger.projections.pricing.PricingCatalogTest.assertSamePrices;
import static dev.usageledger.projections.pricing.PricingCatalogTest.prices;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelPriceTest {

    private final PricingCatalog tiny = TestCatalogs.tiny();
    private final PricingCatalog bundled = PricingCatalog.bundled();

    @Test
    void claudeModelWithoutCachePricesUsesCrsMultipliersOfInput() {
        ModelPrice bare = tiny.find("claude-bare-4").orElseThrow();
        assertThat(bare.family()).isEqualTo(ModelPrice.Family.CLAUDE);
        // input 1e-06: 5m write 1.25x, 1h write 2x, read 0.1x
        assertSamePrices(bare.effective(null, 0), prices("1e-06", "5e-06", "1.25e-06", "2e-06", "1e-07"));
    }

    @Test
    void claudeNameWithoutProviderStillGetsClaudeFallbacksForTheMissingClassesOnly() {
        ModelPrice partial = tiny.find("claude-partial-4").orElseThrow();
        assertThat(partial.provider()).isNull();
        assertThat(partial.family()).isEqualTo(ModelPrice.Family.CLAUDE);
        assertSamePrices(partial.effective(null, 0), prices("2e-06", "1e-05", "3e-06", "4e-06", "2e-07"));
    }

    @Test
    void openAiModelWithoutCacheWritePricesBillsWritesAtInputAndReadsAtZero() {
        ModelPrice gpt = tiny.find("gpt-bare").orElseThrow();
        assertThat(gpt.family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertSamePrices(gpt.effective(null, 0), prices("2e-06", "8e-06", "2e-06", "2e-06", "0"));
    }

    @Test
    void otherModelsPriceMissingCacheClassesAtZero() {
        ModelPrice other = tiny.find("mystery-model").orElseThrow();
        assertThat(other.family()).isEqualTo(ModelPrice.Family.OTHER);
        assertSamePrices(other.effective(null, 0), prices("1e-06", "2e-06", "0", "0", "0"));
    }

    @Test
    void familyFollowsProviderThenName() {
        assertThat(ModelPrice.of("anything", "bedrock", TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.CLAUDE);
        assertThat(ModelPrice.of("anything", "vertex_ai-anthropic", TokenPrices.ABSENT).family())
                .isEqualTo(ModelPrice.Family.CLAUDE);
        assertThat(ModelPrice.of("anything", "azure", TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertThat(ModelPrice.of("o1", null, TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertThat(ModelPrice.of("o3-mini", null, TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertThat(ModelPrice.of("o4-mini", null, TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertThat(ModelPrice.of("gpt-4o", null, TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertThat(ModelPrice.of("omni", null, TokenPrices.ABSENT).family()).isEqualTo(ModelPrice.Family.OTHER);
        assertThat(ModelPrice.of("gemini-2.5-pro", "vertex_ai-language-models", TokenPrices.ABSENT).family())
                .isEqualTo(ModelPrice.Family.OTHER);
    }

    @Test
    void priorityTierUsesPriorityPricesAndFallsBackPerClass() {
        ModelPrice gpt5 = bundled.find("gpt-5").orElseThrow();
        // No priority cache-write price: the standard fallback (the standard input price) stays.
        assertSamePrices(gpt5.effective("priority", 0), prices("2.5e-06", "2e-05", "1.25e-06", "1.25e-06", "2.5e-07"));
        assertSamePrices(gpt5.effective("PRIORITY", 0), gpt5.effective("priority", 0));
        assertSamePrices(gpt5.effective("default", 0), prices("1.25e-06", "1e-05", "1.25e-06", "1.25e-06", "1.25e-07"));
    }

    @Test
    void promptTierReplacesOnlyTheClassesThatHaveSuchAPrice() {
        ModelPrice pro = bundled.find("gemini-2.5-pro").orElseThrow();
        assertThat(pro.tiers()).extracting(PromptTier::aboveTokens).containsExactly(200_000L);
        // No base cache-write price (0); the 200k tier has a 5-minute write price but no 1-hour one.
        assertSamePrices(pro.effective(null, 200_001), prices("2.5e-06", "1.5e-05", "2.5e-07", "0", "2.5e-07"));
        assertSamePrices(pro.effective(null, 200_000), prices("1.25e-06", "1e-05", "0", "0", "1.25e-07"));
    }

    @Test
    void tiersAreReadForAnyThresholdAndTheHighestExceededOneApplies() {
        ModelPrice tiered = tiny.find("tiered-model").orElseThrow();
        assertThat(tiered.tiers()).extracting(PromptTier::aboveTokens).containsExactly(128_000L, 200_000L);
        assertThat(tiered.tierFor(128_000)).isNull();
        assertThat(tiered.tierFor(128_001).aboveTokens()).isEqualTo(128_000L);
        assertThat(tiered.tierFor(200_001).aboveTokens()).isEqualTo(200_000L);
    }

    @Test
    void priorityTierAbovePromptThresholdPrefersTheTiersPriorityPrice() {
        ModelPrice m = PricingCatalog.parse("""
                {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                       "input_cost_per_token_priority": 3e-06,
                       "input_cost_per_token_above_200k_tokens": 5e-06,
                       "output_cost_per_token_above_200k_tokens": 6e-06,
                       "input_cost_per_token_above_200k_tokens_priority": 7e-06}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), "test:priority").find("m").orElseThrow();
        assertSamePrices(m.effective("priority", 300_000), prices("7e-06", "6e-06", "0", "0", "0"));
        assertSamePrices(m.effective(null, 300_000), prices("5e-06", "6e-06", "0", "0", "0"));
    }

    @Test
    void modelWithoutPromptTierKeepsItsBasePrices() {
        ModelPrice opus = bundled.find("claude-opus-4-1-20250805").orElseThrow();
        assertThat(opus.tiers()).isEmpty();
        assertSamePrices(opus.effective(null, 1_000_000), opus.effective(null, 0));
    }
}
