package dev.usageledger.limits;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits the counters projection needs (window length, weekly reset) per key, read from {@code key_limits} at most
 * once per {@code ttl}, and again at its first use after {@link #invalidate} (a {@code limits.changed} read from
 * Kafka). While MySQL fails, the last copy read is used however old: only a key never read before waits for MySQL (its
 * batch is retried). An invalidation is never undone by a read that was under way when it came (that read may predate
 * the change it announces). Thread-safe.
 */
public final class CachedKeyLimits {

    /** {@code fresh} false: read MySQL at the next use, falling back on this copy while MySQL fails. */
    private record Entry(KeyLimits limits, Instant readAt, boolean fresh) {
        Entry expired() {
            return new Entry(limits, readAt, false);
        }
    }

    /** Where limits are read: {@link KeyLimitsStore#find}. */
    @FunctionalInterface
    public interface Source {
        Optional<KeyLimits> find(String apiKeyId) throws SQLException;
    }

    private final Source store;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped before every invalidation: a read that saw another value may predate a change and is not kept. */
    private final AtomicLong invalidations = new AtomicLong();

    public CachedKeyLimits(Source store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    public KeyLimits get(String apiKeyId) throws SQLException {
        Entry e = entries.get(apiKeyId);
        Instant now = clock.instant();
        if (e != null && e.fresh() && !e.readAt().plus(ttl).isBefore(now)) {
            return e.limits();
        }
        long seen = invalidations.get();
        try {
            KeyLimits limits = store.find(apiKeyId).orElse(KeyLimits.NONE);
            Entry read = new Entry(limits, now, true);
            entries.put(apiKeyId, read);
            if (invalidations.get() != seen) { // an invalidation raced this read: ask MySQL again next time
                entries.computeIfPresent(apiKeyId, (k, v) -> v == read ? v.expired() : v);
            }
            return limits;
        } catch (SQLException failed) {
            if (e != null) {
                return e.limits();
            }
            throw failed;
        }
    }

    /** Expires the key's copy: its next {@link #get} reads MySQL (and uses the copy only if MySQL fails). */
    public void invalidate(String apiKeyId) {
        invalidations.incrementAndGet();
        entries.computeIfPresent(apiKeyId, (k, v) -> v.expired());
    }
}
