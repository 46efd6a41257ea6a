package dev.usageledger.relayapi.limits;

import dev.usageledger.limits.Admission;
import dev.usageledger.limits.CurrentUsage;
import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.LimitsChanged;
import dev.usageledger.limits.RedisLimiter;
import dev.usageledger.relayapi.config.LimitsProperties.FailurePolicy;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission as the API offers it: the limits from the cache, the decision from {@link RedisLimiter}, the failure
 * policy when Redis or MySQL cannot answer (Redis calls go through the {@link RedisBreaker}), and the metrics. Thread-safe.
 */
public final class Admissions {

    private static final Logger log = LoggerFactory.getLogger(Admissions.class);

    private final RedisLimiter limiter;
    private final LimitsCache cache;
    private final KeyLimitsStore store;
    private final FailurePolicy policy;
    private final AdmissionMetrics metrics;
    private final Clock clock;
    private final RedisBreaker breaker;
    private final LocalWindows localWindows;
    private final LimitsChangeNotifier changes;

    public Admissions(RedisLimiter limiter, LimitsCache cache, KeyLimitsStore store, FailurePolicy policy,
            AdmissionMetrics metrics, Clock clock, RedisBreaker breaker, LocalWindows localWindows,
            LimitsChangeNotifier changes) {
        this.changes = changes;
        this.breaker = breaker;
        this.localWindows = localWindows;
        this.limiter = limiter;
        this.cache = cache;
        this.store = store;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The answer to one admission. Under {@link FailurePolicy#OPEN}, when Redis cannot decide, the key's cached
     * limits are applied to this instance's in-memory windows ({@link LocalWindows}: requests per window only,
     * approximate); when the limits themselves cannot be read (MySQL), the answer is allowed. No lease either way.
     */
    public Admission admit(String apiKeyId, String requestId) {
        KeyLimits known = null;
        try {
            KeyLimits limits = cache.get(apiKeyId);
            known = limits;
            long t0 = System.nanoTime();
            Admission decision = breaker.call(() -> limiter.admit(apiKeyId, limits));
            metrics.scriptNanos(System.nanoTime() - t0);
            if (decision.allowed() && decision.reason() != null) {
                metrics.decision("shadow_denied", decision.reason().wire());
                log.info("shadow key {} would have been denied ({}) for request {}", apiKeyId,
                        decision.reason().wire(), requestId);
            } else if (decision.allowed()) {
                metrics.decision("allowed", "none");
            } else {
                metrics.decision("denied", decision.reason().wire());
            }
            return decision;
        } catch (LimitsUnavailableException e) {
            if (policy == FailurePolicy.OPEN) {
                if (known != null) { // Redis failed; the key's limits are known: the in-memory approximation
                    Admission local = localWindows.admit(apiKeyId, known);
                    if (local.allowed()) {
                        metrics.decision("degraded_allowed", e.dependency());
                        return new Admission(true, null, 0, null, null, false);
                    }
                    metrics.decision("degraded_denied", local.reason().wire());
                    return local;
                }
                metrics.decision("degraded_allowed", e.dependency());
                return new Admission(true, null, 0, null, null, false);
            }
            metrics.decision("degraded_denied", e.dependency());
            throw e;
        }
    }

    /** The new expiry of a live lease; empty when it is unknown or expired. */
    public Optional<Instant> renew(String leaseId) {
        Optional<String> apiKeyId = LimitKeys.apiKeyOfLease(leaseId);
        if (apiKeyId.isEmpty()) {
            return Optional.empty();
        }
        KeyLimits limits = cache.get(apiKeyId.get());
        return breaker.call(() -> limiter.renew(leaseId, limits));
    }

    /** Releases a lease; harmless when it is unknown, expired or already released. */
    public void release(String leaseId) {
        breaker.call(() -> limiter.release(leaseId));
    }

    /** The key's limits as stored (never configured: all 0), read from MySQL, not from the cache. */
    public KeyLimits limits(String apiKeyId) {
        try {
            return store.find(apiKeyId).orElse(KeyLimits.NONE);
        } catch (SQLException e) {
            throw new LimitsUnavailableException("mysql", e);
        }
    }

    /** The key's counters as admission sees them now. */
    public CurrentUsage usage(String apiKeyId, KeyLimits limits) {
        return breaker.call(() -> limiter.usage(apiKeyId, limits));
    }

    /**
     * Replaces the key's limits, drops them from this instance's cache and, once the row is committed, tells the
     * other instances ({@code limits.changed}; best effort: when Kafka fails they follow within the cache TTL).
     */
    public void replace(String apiKeyId, KeyLimits limits, String admin) {
        Instant at = clock.instant();
        try {
            store.put(apiKeyId, limits, admin, at);
        } catch (SQLException e) {
            throw new LimitsUnavailableException("mysql", e);
        }
        cache.invalidate(apiKeyId);
        changes.changed(new LimitsChanged(apiKeyId, at));
    }
}
