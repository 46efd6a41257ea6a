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
 * the long-context tier. The long-context ({@code *_above_200k_tokens}) prices apply only when the caller says the
 * request used the long context ({@code longContext}, e.g. the 1M-context beta) <em>and</em> input + cacheCreate +
 * cacheRead &gt; 200,000; they then apply to every class that has such a price, the others keep their base price.
 *
 * <p>Rounding: each product is exact. {@link AssessedCost#realUsd()} is the exact sum rounded once by
 * {@link Usd#round}. The {@link CostBreakdown} parts are each rounded the same way, for display only; they are never
 * summed into the total.
 *
 * <p>The cost returned is at list price: {@code ratedUsd} equals {@code realUsd}; {@link Pricer} applies the service
 * rates. A model the catalog does not know costs 0 with {@link PricingSource#UNPRICED}.
 */
public final class CostCalculator {

    /** Prompt size (input + cacheCreate + cacheRead) above which the long-context tier may apply. */
    public static final long LONG_CONTEXT_THRESHOLD = 200_000L;

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
     * @param longContext whether the request used the long-context (1M) window
     */
    public AssessedCost price(String normalisedModel, TokenUsage usage, String serviceTier, boolean longContext) {
        Objects.requireNonNull(usage, "usage");
        Optional<ModelPrice> found = catalog.find(normalisedModel);
        if (found.isEmpty()) {
            return new AssessedCost(Usd.ZERO, Usd.ZERO, CostBreakdown.ZERO, PricingSource.UNPRICED, catalog.version());
        }
        TokenPrices prices = found.get().effective(serviceTier, longContext && exceedsLongContextThreshold(usage));

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

    /** True when input + cacheCreate + cacheRead is above {@link #LONG_CONTEXT_THRESHOLD}. */
    public static boolean exceedsLongContextThreshold(TokenUsage usage) {
        long prompt = Math.addExact(Math.addExact(usage.input(), usage.cacheCreate()), usage.cacheRead());
        return prompt > LONG_CONTEXT_THRESHOLD;
    }
}
