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
        assertSamePrices(bare.effective(null, false), prices("1e-06", "5e-06", "1.25e-06", "2e-06", "1e-07"));
    }

    @Test
    void claudeNameWithoutProviderStillGetsClaudeFallbacksForTheMissingClassesOnly() {
        ModelPrice partial = tiny.find("claude-partial-4").orElseThrow();
        assertThat(partial.provider()).isNull();
        assertThat(partial.family()).isEqualTo(ModelPrice.Family.CLAUDE);
        assertSamePrices(partial.effective(null, false), prices("2e-06", "1e-05", "3e-06", "4e-06", "2e-07"));
    }

    @Test
    void openAiModelWithoutCacheWritePricesBillsWritesAtInputAndReadsAtZero() {
        ModelPrice gpt = tiny.find("gpt-bare").orElseThrow();
        assertThat(gpt.family()).isEqualTo(ModelPrice.Family.OPENAI);
        assertSamePrices(gpt.effective(null, false), prices("2e-06", "8e-06", "2e-06", "2e-06", "0"));
    }

    @Test
    void otherModelsPriceMissingCacheClassesAtZero() {
        ModelPrice other = tiny.find("mystery-model").orElseThrow();
        assertThat(other.family()).isEqualTo(ModelPrice.Family.OTHER);
        assertSamePrices(other.effective(null, false), prices("1e-06", "2e-06", "0", "0", "0"));
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
        assertSamePrices(gpt5.effective("priority", false), prices("2.5e-06", "2e-05", "1.25e-06", "1.25e-06", "2.5e-07"));
        assertSamePrices(gpt5.effective("PRIORITY", false), gpt5.effective("priority", false));
        assertSamePrices(gpt5.effective("default", false), prices("1.25e-06", "1e-05", "1.25e-06", "1.25e-06", "1.25e-07"));
    }

    @Test
    void longContextTierReplacesOnlyTheClassesThatHaveSuchAPrice() {
        ModelPrice pro = bundled.find("gemini-2.5-pro").orElseThrow();
        assertThat(pro.hasLongContextTier()).isTrue();
        // Gemini has no cache-write prices at either tier: they stay 0.
        assertSamePrices(pro.effective(null, true), prices("2.5e-06", "1.5e-05", "0", "0", "2.5e-07"));
    }

    @Test
    void modelWithoutLongContextTierKeepsItsBasePrices() {
        ModelPrice opus = bundled.find("claude-opus-4-1-20250805").orElseThrow();
        assertThat(opus.hasLongContextTier()).isFalse();
        assertSamePrices(opus.effective(null, true), opus.effective(null, false));
    }
}
