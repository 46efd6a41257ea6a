package dev.usageledger.projections.pricing;

import java.util.Objects;

/**
 * The prices of one prompt-size tier of a catalog entry: LiteLLM's {@code *_above_<N>k_tokens} fields (and their
 * {@code *_above_<N>k_tokens_priority} variants). They apply to a request whose prompt (input + cache-create +
 * cache-read tokens) exceeds {@link #aboveTokens}; see {@link ModelPrice#effective}.
 *
 * @param aboveTokens the tier's threshold in tokens: {@code 200k} is 200,000, {@code 128k} 128,000 (LiteLLM reads
 *     the {@code k} as × 1000, and a plain {@code _above_<N>_tokens} as N)
 * @param standard the tier's prices; a component is {@code null} where the entry has no such field
 * @param priority the tier's {@code priority} service-tier prices; {@code null} components where absent
 */
public record PromptTier(long aboveTokens, TokenPrices standard, TokenPrices priority) {

    public PromptTier {
        if (aboveTokens < 0) {
            throw new IllegalArgumentException("aboveTokens must not be negative, was " + aboveTokens);
        }
        Objects.requireNonNull(standard, "standard");
        Objects.requireNonNull(priority, "priority");
    }
}
