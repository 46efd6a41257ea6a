package dev.usageledger.projections.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.mysql.FencedException;
import dev.usageledger.projections.mysql.ProjectionException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransactionRetryTest {

    private static final RetrySettings FAST = new RetrySettings(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(4), 0.5);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double retries(String reason) {
        return registry.get("ledger.projection.retries").tag("reason", reason).counter().count();
    }

    private double exhausted() {
        return registry.get("ledger.projection.retries.exhausted").counter().count();
    }

    private static RuntimeException failure(int code, String state) {
        return new ProjectionException("projecting a batch failed", new SQLTransactionRollbackException(
                "failure " + code, state, code));
    }

    /** Throws the queued failures one per call, then answers "committed". */
    private static final class Script {
        final Deque<RuntimeException> failures;
        final AtomicInteger attempts = new AtomicInteger();

        Script(RuntimeException... failures) {
            this.failures = new ArrayDeque<>(List.of(failures));
        }

        String run() {
            attempts.incrementAndGet();
            RuntimeException next = failures.poll();
            if (next != null) {
                throw next;
            }
            return "committed";
        }
    }

    @Test
    void retriesADeadlockAndCountsIt() {
        TransactionRetry retry = new TransactionRetry("test", FAST, registry);
        Script script = new Script(failure(1213, "40001"), failure(1213, "40001"));

        assertThat(retry.call(script::run)).isEqualTo("committed");

        assertThat(script.attempts).hasValue(3);
        assertThat(retries("deadlock")).isEqualTo(2.0);
        assertThat(retries("lock_wait_timeout")).isZero();
        assertThat(retry.retryCount()).isEqualTo(2.0);
        assertThat(exhausted()).isZero();
    }

    @Test
    void countsEachRetryByItsReason() {
        TransactionRetry retry = new TransactionRetry("test", FAST, registry);
        Script script = new Script(failure(1205, "HY000"), failure(1205, "40001"),
                new ProjectionException("lost", new SQLException("Communications link failure", "08S01", 0)),
                failure(1213, "40001"));

        assertThat(retry.call(script::run)).isEqualTo("committed");

        assertThat(script.attempts).hasValue(5);
        assertThat(retries("lock_wait_timeout")).isEqualTo(2.0);
        assertThat(retries("connection")).isEqualTo(1.0);
        assertThat(retries("deadlock")).isEqualTo(1.0);
        assertThat(retry.retryCount()).isEqualTo(4.0);
    }

    @Test
    void neverRetriesAFatalFailure() {
        TransactionRetry retry = new TransactionRetry("test", FAST, registry);
        RuntimeException duplicate = new ProjectionException("dup",
                new SQLIntegrityConstraintViolationException("Duplicate entry", "23000", 1062));
        Script script = new Script(duplicate);

        assertThatThrownBy(() -> retry.call(script::run)).isSameAs(duplicate);

        assertThat(script.attempts).hasValue(1);
        assertThat(retry.retryCount()).isZero();
        assertThat(exhausted()).as("a fatal failure is not an exhausted retry").isZero();
    }

    @Test
    void neverRetriesAFencedBatch() {
        TransactionRetry retry = new TransactionRetry("test", FAST, registry);
        FencedException fenced = new FencedException("usage-events", 2, 5);
        Script script = new Script(fenced);

        assertThatThrownBy(() -> retry.call(script::run)).isSameAs(fenced);
        assertThat(script.attempts).hasValue(1);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastFailure() {
        TransactionRetry retry = new TransactionRetry("test", FAST, registry);
        AtomicInteger attempts = new AtomicInteger();
        RuntimeException last = failure(1213, "40001");

        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw attempts.get() == FAST.maxAttempts() ? last : failure(1213, "40001");
        })).isSameAs(last);

        assertThat(attempts).hasValue(FAST.maxAttempts());
        assertThat(retries("deadlock")).isEqualTo(FAST.maxAttempts() - 1);
        assertThat(exhausted()).isEqualTo(1.0);
    }

    @Test
    void aSingleAttemptNeverRetries() {
        TransactionRetry retry = new TransactionRetry("test",
                new RetrySettings(1, Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0), registry);
        Script script = new Script(failure(1213, "40001"));

        assertThatThrownBy(() -> retry.call(script::run)).isInstanceOf(ProjectionException.class);
        assertThat(script.attempts).hasValue(1);
        assertThat(retry.retryCount()).isZero();
    }

    @Test
    void theDefaultsAreBoundedAndJittered() {
        assertThat(RetrySettings.DEFAULTS.maxAttempts()).isBetween(2, 100);
        assertThat(RetrySettings.DEFAULTS.jitter()).isPositive();
        assertThat(RetrySettings.DEFAULTS.maxBackoff()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new RetrySettings(0, Duration.ofMillis(1), 2, Duration.ofMillis(2), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetrySettings(3, Duration.ZERO, 2, Duration.ofMillis(2), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> new RetrySettings(3, Duration.ofMillis(1), 0.5, Duration.ofMillis(2), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetrySettings(3, Duration.ofMillis(5), 2, Duration.ofMillis(2), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> new RetrySettings(3, Duration.ofMillis(1), 2, Duration.ofMillis(2), 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    }
}
