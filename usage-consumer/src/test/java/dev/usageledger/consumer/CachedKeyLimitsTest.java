package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.MutableClock;
import dev.usageledger.limits.KeyLimits;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachedKeyLimitsTest {

    private static final String KEY = "key_7f3a";
    private static final KeyLimits SIXTY = window(60);
    private static final KeyLimits HOUR = window(3600);

    private final AtomicReference<KeyLimits> row = new AtomicReference<>(SIXTY);
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean mysqlDown;
    private volatile Runnable duringRead = () -> {};
    private final CachedKeyLimits cache = new CachedKeyLimits(key -> {
        reads.incrementAndGet();
        if (mysqlDown) {
            throw new SQLException("connection refused");
        }
        KeyLimits read = row.get();
        duringRead.run();
        return Optional.of(read);
    }, Duration.ofHours(1), MutableClock.system());

    private static KeyLimits window(int seconds) {
        return new KeyLimits(seconds, 0, 1000, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
    }

    @Test
    void readsMySqlOncePerTtlAndAgainAfterAnInvalidation() throws SQLException {
        assertThat(cache.get(KEY)).isEqualTo(SIXTY);
        row.set(HOUR);
        assertThat(cache.get(KEY)).as("cached within the TTL").isEqualTo(SIXTY);
        assertThat(reads).hasValue(1);

        cache.invalidate(KEY);

        assertThat(cache.get(KEY)).isEqualTo(HOUR);
        assertThat(cache.get(KEY)).isEqualTo(HOUR);
        assertThat(reads).hasValue(2);
    }

    @Test
    void keepsServingTheLastCopyWhenMySqlFailsAfterAnInvalidation() throws SQLException {
        assertThat(cache.get(KEY)).isEqualTo(SIXTY);
        mysqlDown = true;

        cache.invalidate(KEY);

        assertThat(cache.get(KEY)).isEqualTo(SIXTY);
        mysqlDown = false;
        row.set(HOUR);
        assertThat(cache.get(KEY)).as("asked MySQL again once it answered").isEqualTo(HOUR);
    }

    @Test
    void doesNotKeepARowReadBeforeAnInvalidationThatCameDuringTheRead() throws SQLException {
        duringRead = () -> { // the change commits and is announced while the old row is on its way back
            row.set(HOUR);
            cache.invalidate(KEY);
        };
        assertThat(cache.get(KEY)).isEqualTo(SIXTY);
        duringRead = () -> {};

        assertThat(cache.get(KEY)).isEqualTo(HOUR);
    }
}
