package dev.usageledger.projections.fold;

import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;

/**
 * Mutable sums of one stats row within one batch: what the batch adds to the stored row, negative where a replaced
 * version is taken away. Not thread-safe: a fold owns its measures.
 */
public final class Measures {

    private long requests;
    private long unpricedRequests;
    private long inputTokens;
    private long outputTokens;
    private long cacheCreateTokens;
    private long cacheReadTokens;
    private long ephemeral5mTokens;
    private long ephemeral1hTokens;
    private BigDecimal realCostUsd = BigDecimal.ZERO;
    private BigDecimal ratedCostUsd = BigDecimal.ZERO;

    /**
     * Adds one request ({@code sign} 1) or takes one away ({@code sign} -1); {@code unpriced}: the catalog did not
     * know its model (priced at 0).
     */
    void addRequest(TokenUsage usage, BigDecimal real, BigDecimal rated, boolean unpriced, int sign) {
        requests += sign;
        if (unpriced) {
            unpricedRequests += sign;
        }
        inputTokens += sign * usage.input();
        outputTokens += sign * usage.output();
        cacheCreateTokens += sign * usage.cacheCreate();
        cacheReadTokens += sign * usage.cacheRead();
        ephemeral5mTokens += sign * usage.ephemeral5m();
        ephemeral1hTokens += sign * usage.ephemeral1h();
        addCost(real, rated, sign);
    }

    void addCost(BigDecimal real, BigDecimal rated, int sign) {
        realCostUsd = sign > 0 ? realCostUsd.add(real) : realCostUsd.subtract(real);
        ratedCostUsd = sign > 0 ? ratedCostUsd.add(rated) : ratedCostUsd.subtract(rated);
    }

    public long requests() {
        return requests;
    }

    /** Requests the catalog could not price (counted at cost 0): the unpriced share's numerator. */
    public long unpricedRequests() {
        return unpricedRequests;
    }

    public long inputTokens() {
        return inputTokens;
    }

    public long outputTokens() {
        return outputTokens;
    }

    public long cacheCreateTokens() {
        return cacheCreateTokens;
    }

    public long cacheReadTokens() {
        return cacheReadTokens;
    }

    public long ephemeral5mTokens() {
        return ephemeral5mTokens;
    }

    public long ephemeral1hTokens() {
        return ephemeral1hTokens;
    }

    public BigDecimal realCostUsd() {
        return realCostUsd;
    }

    public BigDecimal ratedCostUsd() {
        return ratedCostUsd;
    }
}
