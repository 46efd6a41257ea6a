package dev.usageledger.projections.retry;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a whole database transaction again when it failed for a {@linkplain RetryClassifier
 * retryable} reason, with bounded, jittered exponential back-off (resilience4j). Each retry is
 * counted in {@code ledger_projection_retries_total{reason}}; a transaction that exhausted its
 * attempts in {@code ledger_projection_retries_exhausted_total}.
 */
public final class TransactionRetry {

    private final Retry retry;
    private final Map<RetryClassifier.Failure, Counter> retries = new EnumMap<>(RetryClassifier.Failure.class);

    public TransactionRetry(String name, RetrySettings settings, MeterRegistry registry) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        settings.initialBackoff(), settings.multiplier(), settings.jitter(), settings.maxBackoff()))
                .retryOnException(RetryClassifier::isRetryable)
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of(name, config);
        for (RetryClassifier.Failure f : RetryClassifier.Failure.values()) {
            if (f.retryable()) {
                retries.put(f, Counter.builder("ledger.projection.retries")
                        .description("Transactions retried after a retryable database failure")
                        .tag("reason", f.tag())
                        .register(registry));
            }
        }
        Counter exhausted = Counter.builder("ledger.projection.retries.exhausted")
                .description("Transactions that failed after their last allowed attempt")
                .register(registry);
        retry.getEventPublisher().onRetry(e -> {
            Counter c = retries.get(RetryClassifier.classify(e.getLastThrowable()));
            if (c != null) {
                c.increment();
            }
        });
        retry.getEventPublisher().onError(e -> exhausted.increment());
    }

    public <T> T call(Supplier<T> transaction) {
        return retry.executeSupplier(transaction);
    }

    /** Retries done so far, all reasons. */
    public double retryCount() {
        return retries.values().stream().mapToDouble(Counter::count).sum();
    }
}
