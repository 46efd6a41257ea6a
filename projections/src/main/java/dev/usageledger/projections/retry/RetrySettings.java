package dev.usageledger.projections.retry;

import java.time.Duration;

/**
 * Bounded, jittered exponential back-off for whole-transaction retries.
 *
 * @param maxAttempts    attempts in all, the first included (at least 1)
 * @param initialBackoff wait before the first retry
 * @param multiplier     growth of the wait per retry (at least 1)
 * @param maxBackoff     upper bound of any one wait
 * @param jitter         randomisation factor in [0, 1): each wait is drawn from ±jitter of its nominal value
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
        double jitter) {

    public static final RetrySettings DEFAULTS =
            new RetrySettings(30, Duration.ofMillis(5), 2.0, Duration.ofMillis(500), 0.5);

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }
}
