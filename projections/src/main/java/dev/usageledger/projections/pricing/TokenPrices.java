package dev.usageledger.projections.pricing;

import java.math.BigDecimal;

/**
 * USD per token for each token class. A component is {@code null} where the catalog gives no price; the prices
 * {@link ModelPrice#effective} returns never contain {@code null}.
 *
 * @param input uncached input tokens
 * @param output output tokens
 * @param cacheWrite5m cache writes with the 5-minute lifetime (LiteLLM {@code cache_creation_input_token_cost})
 * @param cacheWrite1h cache writes with the 1-hour lifetime (LiteLLM {@code cache_creation_input_token_cost_above_1hr})
 * @param cacheRead cache hits (LiteLLM {@code cache_read_input_token_cost})
 */
public record TokenPrices(
        BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h, BigDecimal cacheRead) {

    /** No price for any class. */
    public static final TokenPrices ABSENT = new TokenPrices(null, null, null, null, null);

    /** True when no class has a price. */
    public boolean isAbsent() {
        return input == null && output == null && cacheWrite5m == null && cacheWrite1h == null && cacheRead == null;
    }

    /** This, with each absent class taken from {@code base}. */
    TokenPrices over(TokenPrices base) {
        return new TokenPrices(
                input != null ? input : base.input,
                output != null ? output : base.output,
                cacheWrite5m != null ? cacheWrite5m : base.cacheWrite5m,
                cacheWrite1h != null ? cacheWrite1h : base.cacheWrite1h,
                cacheRead != null ? cacheRead : base.cacheRead);
    }
}
