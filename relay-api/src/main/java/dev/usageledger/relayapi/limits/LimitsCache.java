package dev.usageledger.relayapi.limits;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * Cache-aside of {@code key_limits}: a key's limits are read from MySQL at most once per {@code ttl} per instance
 * (concurrent misses of one key share one query). A key never configured is cached as {@link KeyLimits#NONE}.
 * {@link #invalidate} drops a key after a change made here or announced by another instance ({@code limits.changed});
 * without that announcement (Kafka down) other instances see a change within {@code ttl}.
 * {@link #bindTo} registers its meters ({@code cache_gets_total{cache="limits",result="hit"|"miss"}},
 * {@code cache_size}, …) at once, so they exist from the first scrape.
 */
public final class LimitsCache {

    private final KeyLimitsStore store;
    private final LoadingCache<String, KeyLimits> cache;

    public LimitsCache(KeyLimitsStore store, Duration ttl, long maxKeys) {
        this.store = store;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maxKeys)
                .recordStats()
                .build(this::load);
    }

    /** Registers the cache's meters, tagged {@code cache=limits}. */
    public LimitsCache bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, cache, "limits");
        return this;
    }

    private KeyLimits load(String apiKeyId) throws SQLException {
        return store.find(apiKeyId).orElse(KeyLimits.NONE);
    }

    /** The key's limits; throws {@link LimitsUnavailableException} when they are not cached and MySQL fails. */
    public KeyLimits get(String apiKeyId) {
        try {
            return cache.get(apiKeyId);
        } catch (CompletionException | IllegalStateException e) {
            throw new LimitsUnavailableException("mysql", e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw new LimitsUnavailableException("mysql", sql);
            }
            throw e;
        }
    }

    public void invalidate(String apiKeyId) {
        cache.invalidate(apiKeyId);
    }

    public void put(String apiKeyId, KeyLimits limits) {
        cache.put(apiKeyId, limits);
    }
}
