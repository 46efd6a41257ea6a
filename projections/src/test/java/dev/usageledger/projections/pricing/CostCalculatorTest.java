package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Exact costs against the list prices cited in {@code pricing/SOURCES.md} (USD per million tokens in the comments).
 */
class CostCalculatorTest {

    private final CostCalculator calculator = new CostCalculator(PricingCatalog.bundled());

    /** 1000 in, 500 out, 3000 cache-create of which 1000 split 5m, 1500 split 1h and 500 unsplit, 20000 read. */
    private static final TokenUsage EVERY_CLASS = new TokenUsage(1_000, 500, 3_000, 1_000, 1_500, 20_000);

    @Test
    void sonnet45PricesEveryTokenClassIncludingUnsplitCacheCreate() {
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", EVERY_CLASS, null, false);

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
        AssessedCost cost = calculator.price("claude-opus-4-1-20250805", EVERY_CLASS, null, false);

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
        AssessedCost cost = calculator.price("claude-haiku-4-5-20251001", EVERY_CLASS, null, false);

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
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", unsplit, null, false);
        // 10000 × $3.75 / M
        assertThat(cost.realUsd()).isEqualTo(usd("0.0375000000"));
        assertThat(cost.breakdown().cacheWrite5m()).isEqualTo(usd("0.0375000000"));
        assertThat(cost.breakdown().cacheWrite1h()).isEqualTo(usd("0.0000000000"));
    }

    /** Prompt 150000 + 40000 + 20000 = 210000 tokens; cache-create 20000 on 5m (10000 split + 10000 unsplit), 20000 on 1h. */
    private static final TokenUsage LONG_PROMPT = new TokenUsage(150_000, 2_000, 40_000, 10_000, 20_000, 20_000);

    @Test
    void sonnet45LongContextAbove200kUsesLongContextPricesForEveryClass() {
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", LONG_PROMPT, null, true);

        // 150000×$6 + 2000×$22.50 + 20000×$7.50 + 20000×$12 + 20000×$0.60, per million
        assertThat(cost.realUsd()).isEqualTo(usd("1.3470000000"));
        assertThat(cost.breakdown())
                .isEqualTo(new CostBreakdown(
                        usd("0.9000000000"),
                        usd("0.0450000000"),
                        usd("0.1500000000"),
                        usd("0.2400000000"),
                        usd("0.0120000000")));
    }

    @Test
    void sonnet45Above200kWithoutLongContextFlagUsesBasePrices() {
        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", LONG_PROMPT, null, false);

        // 150000×$3 + 2000×$15 + 20000×$3.75 + 20000×$6 + 20000×$0.30, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.6810000000"));
    }

    @Test
    void sonnet45LongContextAtExactly200kUsesBasePrices() {
        TokenUsage atThreshold = new TokenUsage(140_000, 2_000, 40_000, 10_000, 20_000, 20_000);
        assertThat(CostCalculator.exceedsLongContextThreshold(atThreshold)).isFalse();

        AssessedCost cost = calculator.price("claude-sonnet-4-5-20250929", atThreshold, null, true);

        // 140000×$3 + 2000×$15 + 20000×$3.75 + 20000×$6 + 20000×$0.30, per million
        assertThat(cost.realUsd()).isEqualTo(usd("0.6510000000"));
    }

    @Test
    void sonnet4LongContextBillsOneHourWritesAtTwiceTheLongContextInput() {
        AssessedCost cost = calculator.price("claude-sonnet-4-20250514", LONG_PROMPT, null, true);
        assertThat(cost.realUsd()).isEqualTo(usd("1.3470000000"));
    }

    @Test
    void opus41HasNoLongContextTierSoLongContextChangesNothing() {
        AssessedCost flat = calculator.price("claude-opus-4-1-20250805", LONG_PROMPT, null, false);
        AssessedCost flagged = calculator.price("claude-opus-4-1-20250805", LONG_PROMPT, null, true);
        assertThat(flagged).isEqualTo(flat);
    }

    /** 10000 uncached in, 2000 out, 50000 cached read (the OpenAI split: cache create 0). */
    private static final TokenUsage GPT_USAGE = new TokenUsage(10_000, 2_000, 0, 0, 0, 50_000);

    @Test
    void gpt5StandardTier() {
        AssessedCost cost = calculator.price("gpt-5", GPT_USAGE, null, false);

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

    @Test
    void gpt5PriorityTier() {
        AssessedCost cost = calculator.price("gpt-5", GPT_USAGE, "priority", false);

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
        AssessedCost cost = tiny.price("sub-unit-model", new TokenUsage(1, 1, 0, 0, 0, 0), null, false);

        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000003"));
        assertThat(cost.breakdown().input()).isEqualTo(usd("0.0000000002"));
        assertThat(cost.breakdown().output()).isEqualTo(usd("0.0000000002"));
    }

    @Test
    void roundsHalfToEven() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // one cache read at 2.5e-10 rounds to 2e-10 (even), three at 7.5e-10 to 8e-10 (even)
        assertThat(tiny.price("sub-unit-model", new TokenUsage(0, 0, 0, 0, 0, 1), null, false).realUsd())
                .isEqualTo(usd("0.0000000002"));
        assertThat(tiny.price("sub-unit-model", new TokenUsage(0, 0, 0, 0, 0, 3), null, false).realUsd())
                .isEqualTo(usd("0.0000000008"));
    }

    @Test
    void claudeFallbackMultipliersPriceEveryClassWhenTheCatalogLacksCachePrices() {
        CostCalculator tiny = new CostCalculator(TestCatalogs.tiny());
        // input $1/M: 5m write $1.25/M, 1h write $2/M, read $0.10/M
        AssessedCost cost = tiny.price("claude-bare-4", EVERY_CLASS, null, false);
        assertThat(cost.realUsd()).isEqualTo(usd("0.0103750000"));
    }

    @Test
    void unknownModelCostsZeroAndIsMarkedUnpriced() {
        AssessedCost cost = calculator.price("no-such-model", EVERY_CLASS, "priority", true);

        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000000"));
        assertThat(cost.breakdown()).isEqualTo(CostBreakdown.ZERO);
        assertThat(cost.source()).isEqualTo(PricingSource.UNPRICED);
        assertThat(cost.pricingVersion()).isEqualTo(calculator.catalog().version());
        assertThat(calculator.price(null, EVERY_CLASS, null, false).source()).isEqualTo(PricingSource.UNPRICED);
    }

    @Test
    void zeroUsageCostsZero() {
        AssessedCost cost = calculator.price("gpt-5", TokenUsage.ZERO, null, false);
        assertThat(cost.realUsd()).isEqualTo(usd("0.0000000000"));
        assertThat(cost.source()).isEqualTo(PricingSource.CATALOG);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }
}
