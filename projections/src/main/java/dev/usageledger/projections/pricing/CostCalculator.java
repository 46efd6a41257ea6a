package dev.usageledger.projections.pricing;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.ModelNames;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.projections.value.Usd;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * The pricing formula: the real (list-price) USD cost of one request. Pure and thread-safe; never throws for an
 * unknown model.
 *
 * <pre>
 * cost = input                 × input price
 *      + output                × output price
 *      + cacheWrite5mBilled()  × 5-minute cache-write price   (cacheCreate − ephemeral1h)
 *      + ephemeral1h           × 1-hour cache-write price
 *      + cacheRead             × cache-read price
 * </pre>
 *
 * <p>Prices come from {@link ModelPrice#effective}, which resolves missing prices, the {@code priority} service tier and
 * the prompt-size tier. A tier's ({@code *_above_<N>k_tokens}) prices apply when the prompt, input + cacheCreate +
 * cacheRead tokens, exceeds N × 1000; the highest such tier applies, to every class that has a price in it, the others
 * keep their base price. The request's {@code longContext} flag plays no part (CONTRACT §1 "Pricing"): Gemini bills by
 * prompt size, and a Claude prompt can only pass 200k in its 1M-context mode anyway. This follows LiteLLM's own
 * reading of the catalog, {@code _get_token_base_cost} in {@code litellm/litellm_core_utils/llm_cost_calc/utils.py}
 * (BerriAI/litellm 4c1b15d6): threshold {@code float("200") * 1000} for {@code 200k}, compared as
 * {@code usage.prompt_tokens > threshold}, where LiteLLM's prompt tokens include the cached ones; cache classes take
 * the tier price only when the entry has that tier's field.
 *
 * <p>Rounding: each product is exact. {@link AssessedCost#realUsd()} is the exact sum rounded once by
 * {@link Usd#round}. The {@link CostBreakdown} parts are each rounded the same way, for display only; they are never
 * summed into the total.
 *
 * <p>The cost returned is at list price: {@code ratedUsd} equals {@code realUsd}; {@link Pricer} applies the service
 * rates. A model the catalog does not know costs 0 with {@link PricingSource#UNPRICED}.
 */
public final class CostCalculator {

    private final PricingCatalog catalog;

    public CostCalculator(PricingCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /** The catalog prices come from. */
    public PricingCatalog catalog() {
        return catalog;
    }

    /**
     * The real cost of one request.
     *
     * @param normalisedModel the model name after {@link ModelNames#normalise}; {@code null} is unpriced
     * @param usage the token counts
     * @param serviceTier the service tier the upstream reported ({@code priority} selects priority prices), or
     *     {@code null}
     */
    public AssessedCost price(String normalisedModel, TokenUsage usage, String serviceTier) {
        Objects.requireNonNull(usage, "usage");
        Optional<ModelPrice> found = catalog.find(normalisedModel);
        if (found.isEmpty()) {
            return new AssessedCost(Usd.ZERO, Usd.ZERO, CostBreakdown.ZERO, PricingSource.UNPRICED, catalog.version());
        }
        TokenPrices prices = found.get().effective(serviceTier, promptTokens(usage));

        BigDecimal input = prices.input().multiply(BigDecimal.valueOf(usage.input()));
        BigDecimal output = prices.output().multiply(BigDecimal.valueOf(usage.output()));
        BigDecimal write5m = prices.cacheWrite5m().multiply(BigDecimal.valueOf(usage.cacheWrite5mBilled()));
        BigDecimal write1h = prices.cacheWrite1h().multiply(BigDecimal.valueOf(usage.ephemeral1h()));
        BigDecimal read = prices.cacheRead().multiply(BigDecimal.valueOf(usage.cacheRead()));

        BigDecimal exactTotal = input.add(output).add(write5m).add(write1h).add(read);
        CostBreakdown breakdown = new CostBreakdown(
                Usd.round(input), Usd.round(output), Usd.round(write5m), Usd.round(write1h), Usd.round(read));
        BigDecimal real = Usd.round(exactTotal);
        return new AssessedCost(real, real, breakdown, PricingSource.CATALOG, catalog.version());
    }

    /** The prompt size that selects a tier: input + cacheCreate + cacheRead tokens. */
    public static long promptTokens(TokenUsage usage) {
        return Math.addExact(Math.addExact(usage.input(), usage.cacheCreate()), usage.cacheRead());
    }
}
