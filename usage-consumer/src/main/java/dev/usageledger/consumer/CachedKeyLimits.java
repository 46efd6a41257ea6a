package dev.usageledger.consumer;

import dev.usageledger.projections.limits.KeyLimits;
import dev.usageledger.projections.limits.KeyLimitsStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits the counters projection needs (window length, weekly reset) per key, read from {@code key_limits} at most
 * once per {@code ttl}. While MySQL fails, the last copy read is used however old: only a key never read before waits
 * for MySQL (its batch is retried).
 */
final class CachedKeyLimits {

    private record Entry(KeyLimits limits, Instant readAt) {}

    private final KeyLimitsStore store;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    CachedKeyLimits(KeyLimitsStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    KeyLimits get(String apiKeyId) throws SQLException {
        Entry e = entries.get(apiKeyId);
        Instant now = clock.instant();
        if (e != null && !e.readAt().plus(ttl).isBefore(now)) {
            return e.limits();
        }
        try {
            KeyLimits limits = store.find(apiKeyId).orElse(KeyLimits.NONE);
            entries.put(apiKeyId, new Entry(limits, now));
            return limits;
        } catch (SQLException failed) {
            if (e != null) {
                return e.limits();
            }
            throw failed;
        }
    }
}
