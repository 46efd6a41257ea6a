package dev.usageledger.projections.fold;

import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;

/** Mutable sums of one stats row within one batch. Not thread-safe: a fold owns its measures. */
public final class Measures {

    private long requests;
    private long inputTokens;
    private long outputTokens;
    private long cacheCreateTokens;
    private long cacheReadTokens;
    private long ephemeral5mTokens;
    private long ephemeral1hTokens;
    private BigDecimal realCostUsd = BigDecimal.ZERO;
    private BigDecimal ratedCostUsd = BigDecimal.ZERO;

    void addRequest(TokenUsage usage, BigDecimal real, BigDecimal rated) {
        requests++;
        inputTokens += usage.input();
        outputTokens += usage.output();
        cacheCreateTokens += usage.cacheCreate();
        cacheReadTokens += usage.cacheRead();
        ephemeral5mTokens += usage.ephemeral5m();
        ephemeral1hTokens += usage.ephemeral1h();
        addCost(real, rated);
    }

    void addCost(BigDecimal real, BigDecimal rated) {
        realCostUsd = realCostUsd.add(real);
        ratedCostUsd = ratedCostUsd.add(rated);
    }

    public long requests() {
        return requests;
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
