package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Exact costs against the bundled LiteLLM catalog ({@code pricing/SOURCES.md}) and, where named, the vendor's list
 * price (USD per million tokens in the comments).
 */
class CostCalculatorTest {

    private final CostCalculator calculator = new CostCalculator(PricingCatalog.bundled());

    /** 1000 in, 500 out, 3000 cache-create of which 1000 split 5m, 1500 split 1h and 500 unsplit, 20000 read. */
    private static final TokenUsage EVERY_CLASS = new TokenUsage(1_000, 500, 3_000, 1_000, 1_500, 20_000);

    @Test
    void sonnet45PricesEveryTokenClassIncludingUnsplitCacheCreate() {
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", EVERY_CLASS, null);

        // 1000×$3 + 500×$15 + (1000+500)×$3.75 + 1500×$6 + 20000×$0.30, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.0311250000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.0030000000"),
                        usd("0.0075000000"),
                        usd("0.0056250000"),
                        usd("0.0090000000"),
                        usd("0.0060000000")));
        assertThat(cost.source()).isEqualTo(PricingSource.CATALOG);
        assertThat(cost.pricingVersion()).isEqualTo(calculator.catalog().version());
    }

    @Test
    void opus41PricesEveryTokenClass() {
        AssessedCost cost = calculator.price("claude-opus-4-1-20250805", EVERY_CLASS, null);

        // 1000×$15 + 500×$75 + 1500×$18.75 + 1500×$30 + 20000×$1.50, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.1556250000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.0150000000"),
                        usd("0.0375000000"),
                        usd("0.0281250000"),
                        usd("0.0450000000"),
                        usd("0.0300000000")));
    }

    @Test
    void haiku45PricesEveryTokenClass() {
        AssessedCost cost = calculator.price("claude-haiku-4-5-20251001", EVERY_CLASS, null);

        // 1000×$1 + 500×$5 + 1500×$1.25 + 1500×$2 + 20000×$0.10, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.0103750000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.0010000000"),
                        usd("0.0025000000"),
                        usd("0.0018750000"),
                        usd("0.0030000000"),
                        usd("0.0020000000")));
    }

    @Test
    void allCacheCreateWithoutSplitIsBilledAtTheFiveMinutePrice() {
        TokenUsage unsplit = new TokenUsage(0, 0, 10_000, 0, 0, 0);
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", unsplit, null);
        // 10000 × $3.75 / M
        assertThat(cost.realUsd()).isEqualTo(usd("0.0375000000"));
        assertThat(cost.breakdown().cacheWrite5m()).isEqualTo(usd("0.0375000000"));
        assertThat(cost.breakdown().cacheWrite1h()).isEqualTo(usd("0.0000000000"));
    }

    /** Prompt 150000 + 40000 + 20000 = 210000 tokens; cache-create 20000 on 5m (10000 split + 10000 unsplit), 20000 on 1h. */
    private static final TokenUsage LONG_PROMPT = new TokenUsage(150_000, 2_000, 40_000, 10_000, 20_000, 20_000);

    @Test
    void sonnet45PromptAbove200kUsesTheTierPricesOfTheClassesThatHaveOne() {
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", LONG_PROMPT, null);

        // 150000×$6 + 2000×$22.50 + 20000×$7.50 + 20000×$6 + 20000×$0.60, per million. LiteLLM has no 1-hour write
        // price above 200k for this model, so 1-hour writes keep the base $6 (Anthropic's page implies $12).
        assertThat(cost.realUsd()).isEqualTo(usd("1.2270000000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.9000000000"),
                        usd("0.0450000000"),
                        usd("0.1500000000"),
                        usd("0.1200000000"),
                        usd("0.0120000000")));
    }

    @Test
    void sonnet45PromptAtExactly200kUsesBasePrices() {
        TokenUsage atThreshold = new TokenUsage(140_000, 2_000, 40_000, 10_000, 20_000, 20_000);
        assertThat(CostCalculator.promptTokens(atThreshold)).isEqualTo(200_000);

        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", atThreshold, null);

        // 140000×$3 + 2000×$15 + 20000×$3.75 + 20000×$6 + 20000×$0.30, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.6510000000"));
    }

    @Test
    void opus41HasNoPromptTierSoALongPromptPaysBasePrices() {
        AssessedCost cost = calculator.price("claude-opus-4-1-20250805", LONG_PROMPT, null);
        // 150000×$15 + 2000×$75 + 20000×$18.75 + 20000×$30 + 20000×$1.50, per million
        assertThat(cost.realUsd()).isEqualTo(usd("3.4050000000"));
    }

    /*
     * Gemini 2.5 Pro, Google's list price (https://ai.google.dev/gemini-api/docs/pricing, "Gemini 2.5 Pro", paid
     * tier, per 1M tokens): input $1.25 for prompts <= 200k tokens, $2.50 above; output $10.00 <= 200k, $15.00 above.
     * Context-cache reads $0.125 / $0.25 as LiteLLM has them.
     */

    @Test
    void gemini25ProPromptUpTo200kPaysTheLowerTier() {
        // prompt 150000 + 50000 cached = 200000: not above 200k
        AssessedCost cost = calculator.price("gemini-2.5-pro", new TokenUsage(150_000, 5_000, 0, 0, 0, 50_000), null);

        // 150000×$1.25 + 5000×$10 + 50000×$0.125, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.2437500000"));
    }

    @Test
    void gemini25ProPromptAbove200kPaysTheHigherTierForEveryClassWithoutTheLongContextFlag() {
        // prompt 150001 + 50000 cached = 200001: one token above 200k (200 × 1000, not 200 × 1024)
        AssessedCost cost = calculator.price("gemini-2.5-pro", new TokenUsage(150_001, 5_000, 0, 0, 0, 50_000), null);

        // 150001×$2.50 + 5000×$15 + 50000×$0.25, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.4625025000"));
        assertThat(cost.breakdown().input()).isEqualTo(usd("0.3750025000"));
        assertThat(cost.breakdown().output()).isEqualTo(usd("0.0750000000"));
        assertThat(cost.breakdown().cacheRead()).isEqualTo(usd("0.0125000000"));
    }

    /*
     * Gemini 1.5 Pro, a 128k tier. Google's list price (https://ai.google.dev/gemini-api/docs/pricing, "Gemini 1.5
     * Pro", per 1M tokens, from 2024-10-01): input $1.25 for prompts <= 128k tokens, $2.50 above; output $5.00 <= 128k,
     * $10.00 above. LiteLLM's gemini-1.5-pro carries the same numbers.
     */

    @Test
    void gemini15ProPromptUpTo128kPaysTheLowerTier() {
        AssessedCost cost = calculator.price("gemini-1.5-pro", new TokenUsage(128_000, 1_000, 0, 0, 0, 0), null);
        // 128000×$1.25 + 1000×$5, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.1650000000"));
    }

    @Test
    void gemini15ProPromptAbove128kPaysTheHigherTier() {
        AssessedCost cost = calculator.price("gemini-1.5-pro", new TokenUsage(128_001, 1_000, 0, 0, 0, 0), null);
        // 128001×$2.50 + 1000×$10, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.3300025000"));
    }

    @Test
    void cachedTokensCountTowardsThePromptSize() {
        // 100000 uncached + 30000 cached = 130000 > 128k; Gemini 1.5 Pro has no cache-read price (0)
        AssessedCost cost = calculator.price("gemini-1.5-pro", new TokenUsage(100_000, 1_000, 0, 0, 0, 30_000), null);
        // 100000×$2.50 + 1000×$10, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.2600000000"));
    }

    @Test
    void theHighestTierThePromptExceedsApplies() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // tiered-model: $1 base, $2 above 128k, $4 above 200k input; output $10 base, $20 above 200k only
        assertThat(tiny.price("tiered-model", new TokenUsage(128_000, 1_000, 0, 0, 0, 0), null).realUsd())
                .isEqualTo(usd("0.1380000000"));
        assertThat(tiny.price("tiered-model", new TokenUsage(150_000, 1_000, 0, 0, 0, 0), null).realUsd())
                .as("above 128k: input $2, output keeps its base $10").isEqualTo(usd("0.3100000000"));
        assertThat(tiny.price("tiered-model", new TokenUsage(250_000, 1_000, 0, 0, 0, 0), null).realUsd())
                .as("above 200k: input $4, output $20").isEqualTo(usd("1.0200000000"));
    }

    /** 10000 uncached in, 2000 out, 50000 cached read (the OpenAI split: cache create 0). */
    private static final TokenUsage GPT_USAGE = new TokenUsage(10_000, 2_000, 0, 0, 0, 50_000);

    @Test
    void gpt5StandardTier() {
        AssessedCost cost = calculator.price("gpt-5", GPT_USAGE, null);

        // 10000×$1.25 + 2000×$10 + 50000×$0.125, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.0387500000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.0125000000"),
                        usd("0.0200000000"),
                        usd("0.0000000000"),
                        usd("0.0000000000"),
                        usd("0.0062500000")));
    }

    /*
     * OpenAI's list prices (https://openai.com/api/pricing/, per 1M tokens): gpt-4o input $2.50, cached input $1.25,
     * output $10.00; gpt-4.1 input $2.00, cached input $0.50, output $8.00.
     */

    @Test
    void gpt4oListPrice() {
        AssessedCost cost = calculator.price("gpt-4o", GPT_USAGE, null);
        // 10000×$2.50 + 2000×$10 + 50000×$1.25, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.1075000000"));
    }

    @Test
    void gpt41ListPrice() {
        AssessedCost cost = calculator.price("gpt-4.1", GPT_USAGE, null);
        // 10000×$2 + 2000×$8 + 50000×$0.50, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.0610000000"));
    }

    @Test
    void gpt5PriorityTier() {
        AssessedCost cost = calculator.price("gpt-5", GPT_USAGE, "priority");

        // 10000×$2.50 + 2000×$20 + 50000×$0.25, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.0775000000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.0250000000"),
                        usd("0.0400000000"),
                        usd("0.0000000000"),
                        usd("0.0000000000"),
                        usd("0.0125000000")));
    }

    @Test
    void roundsTheExactSumOnceNotEachComponent() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // input and output each cost 1.5e-10: rounded alone each is 2e-10 (HALF_EVEN), 4e-10 together;
        // the exact sum 3e-10 is representable and is the total.
        AssessedCost cost = tiny.price("sub-unit-model", new TokenUsage(1, 1, 0, 0, 0, 0), null);

        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000003"));
        assertThat(cost.breakdown().input()).isEqualTo(usd("0.0000000002"));
        assertThat(cost.breakdown().output()).isEqualTo(usd("0.0000000002"));
    }

    @Test
    void roundsHalfToEven() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // one cache read at 2.5e-10 rounds to 2e-10 (even), three at 7.5e-10 to 8e-10 (even)
        assertThat(tiny.price("sub-unit-model", new TokenUsage(0, 0, 0, 0, 0, 1), null).realUsd())
                .isEqualTo(usd("0.0000000002"));
        assertThat(tiny.price("sub-unit-model", new TokenUsage(0, 0, 0, 0, 0, 3), null).realUsd())
                .isEqualTo(usd("0.0000000008"));
    }

    @Test
    void claudeFallbackMultipliersPriceEveryClassWhenTheCatalogLacksCachePrices() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // input $1/M: 5m write $1.25/M, 1h write $2/M, read $0.10/M
        AssessedCost cost = tiny.price("claude-bare-4", EVERY_CLASS, null);
        assertThat(cost.realUsd()).isEqualTo(usd("0.0103750000"));
    }

    @Test
    void unknownModelCostsZeroAndIsMarkedUnpriced() {
        AssessedCost cost = calculator.price("no-such-model", EVERY_CLASS, "priority");

        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000000"));
        assertThat(cost.breakdown()).isEqualTo(CostBreakdown.ZERO);
        assertThat(cost.source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(cost.pricingVersion()).isEqualTo(calculator.catalog().version());
        assertThat(calculator.price(null, EVERY_CLASS, null).source()).isEqualTo(PricingSource.UNPRICED);
    }

    @Test
    void zeroUsageCostsZero() {
        AssessedCost cost = calculator.price("gpt-5", TokenUsage.ZERO, null);
        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000000"));
        assertThat(cost.source()).isEqualTo(PricingSource.CATALOG);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }
}
