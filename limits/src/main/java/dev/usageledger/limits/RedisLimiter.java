package dev.usageledger.limits;

import dev.usageledger.limits.LimitScripts.Script;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * Admission on Redis hot counters: one script call (one round trip) per decision, atomic because Redis runs a
 * script alone. Time comes from the injected {@link Clock} and is passed to the scripts (Redis {@code TIME} is never
 * used), so every instance and every test agree on "now" up to their clock skew.
 *
 * <p>Order of checks (CONTRACT §4): daily, weekly and total cost quotas (402, no retry-after); then requests, tokens
 * and cost per sliding window and concurrency (429). When several 429 reasons apply, the first in that order is
 * reported with the longest of their retry-afters (waiting less helps none of them). Only when everything allows is
 * the request counted and the lease granted; a shadow key is always counted and granted, and its decision carries the
 * reason it would have been denied for.
 *
 * <p>Redis errors ({@code JedisException}) propagate: the caller decides what an outage means (fail-open or closed).
 * Thread-safe.
 */
public final class RedisLimiter {

    private final UnifiedJedis redis;
    private final LimitScripts scripts;
    private final Clock clock;
    private final QuotaPeriods periods;
    private final Supplier<String> randomSuffix;

    public RedisLimiter(UnifiedJedis redis, LimitScripts scripts, Clock clock, QuotaPeriods periods) {
        this(redis, scripts, clock, periods, RedisLimiter::randomHex);
    }

    /** With the random part of lease ids supplied (tests). */
    public RedisLimiter(UnifiedJedis redis, LimitScripts scripts, Clock clock, QuotaPeriods periods,
            Supplier<String> randomSuffix) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.periods = Objects.requireNonNull(periods, "periods");
        this.randomSuffix = Objects.requireNonNull(randomSuffix, "randomSuffix");
    }

    /** Decides whether {@code apiKeyId} may call upstream now, and if so counts the request and grants its lease. */
    public Admission admit(String apiKeyId, KeyLimits limits) {
        if (limits.equals(KeyLimits.NONE)) {
            return new Admission(true, null, 0, null, null, false);
        }
        Instant now = clock.instant();
        String leaseId = limits.concurrency() > 0 ? LimitKeys.leaseId(apiKeyId, randomSuffix.get()) : "";
        long bucketMs = bucketMillis(limits);
        List<String> args = List.of(
                Long.toString(now.toEpochMilli()),
                Long.toString(limits.windowSeconds() * 1000L),
                Long.toString(bucketMs),
                Long.toString(limits.requestsPerWindow()),
                Long.toString(limits.tokensPerWindow()),
                Long.toString(UsdUnits.toUnits(limits.costPerWindowUsd())),
                Integer.toString(limits.concurrency()),
                Long.toString(limits.leaseSeconds() * 1000L),
                Long.toString(UsdUnits.toUnits(limits.dailyCostUsd())),
                Long.toString(UsdUnits.toUnits(limits.weeklyCostUsd())),
                Long.toString(UsdUnits.toUnits(limits.totalCostUsd())),
                limits.shadow() ? "1" : "0",
                leaseId);
        List<?> reply = (List<?>) scripts.run(redis, Script.ADMIT, keys(apiKeyId, limits, now, bucketMs), args);
        boolean allowed = ((Long) reply.get(0)) == 1L;
        String reasonText = text(reply.get(1));
        Reason reason = reasonText.isEmpty() ? null : Reason.fromWire(reasonText);
        long retryAfterMs = (Long) reply.get(2);
        long expires = (Long) reply.get(3);
        boolean leased = allowed && expires > 0;
        return new Admission(allowed, reason, reason == null || reason.quota() ? 0 : retryAfterMs,
                leased ? leaseId : null, leased ? Instant.ofEpochMilli(expires) : null, limits.shadow());
    }

    /**
     * Extends a live lease by {@code limits.leaseSeconds()} from now (never shortening it); empty when the lease is
     * unknown or already expired. {@code limits} must be those of the lease's key.
     */
    public Optional<Instant> renew(String leaseId, KeyLimits limits) {
        Optional<String> apiKeyId = LimitKeys.apiKeyOfLease(leaseId);
        if (apiKeyId.isEmpty() || limits.concurrency() == 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Object reply = scripts.run(redis, Script.RENEW, List.of(LimitKeys.leases(apiKeyId.get())),
                List.of(Long.toString(now.toEpochMilli()), Long.toString(limits.leaseSeconds() * 1000L), leaseId));
        long expires = (Long) reply;
        return expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
    }

    /** Releases a lease; harmless when it is unknown, expired or already released. True when it was live. */
    public boolean release(String leaseId) {
        Optional<String> apiKeyId = LimitKeys.apiKeyOfLease(leaseId);
        if (apiKeyId.isEmpty()) {
            return false;
        }
        Object reply = scripts.run(redis, Script.RELEASE, List.of(LimitKeys.leases(apiKeyId.get())),
                List.of(Long.toString(clock.millis()), leaseId));
        return ((Long) reply) == 1L;
    }

    /** The key's counters as admission sees them now (window sums over {@code limits}' window). */
    public CurrentUsage usage(String apiKeyId, KeyLimits limits) {
        Instant now = clock.instant();
        long bucketMs = bucketMillis(limits);
        List<?> reply = (List<?>) scripts.run(redis, Script.USAGE, keys(apiKeyId, limits, now, bucketMs),
                List.of(Long.toString(now.toEpochMilli()), Long.toString(limits.windowSeconds() * 1000L),
                        Long.toString(bucketMs)));
        return new CurrentUsage(
                Long.parseLong(text(reply.get(0))),
                Long.parseLong(text(reply.get(1))),
                money(reply.get(2)),
                money(reply.get(3)),
                money(reply.get(4)),
                money(reply.get(5)),
                Long.parseLong(text(reply.get(6))));
    }

    /** The seven script keys of {@code apiKeyId} at {@code now}. */
    List<String> keys(String apiKeyId, KeyLimits limits, Instant now, long bucketMs) {
        LocalDateTime weekStart = periods.weekStart(now, limits);
        return LimitKeys.admissionKeys(apiKeyId, bucketMs, periods.day(now), weekStart);
    }

    private static long bucketMillis(KeyLimits limits) {
        // A key without a window still needs a valid bucket for the key names; its window keys are never written.
        return limits.windowSeconds() == 0 ? 1000 : LimitKeys.bucketMillis(limits.windowSeconds());
    }

    /** A counter in units; a credit larger than the usage leaves it negative, shown as 0. */
    private static java.math.BigDecimal money(Object o) {
        return UsdUnits.fromUnits(Math.max(0, Long.parseLong(text(o))));
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static String randomHex() {
        return UUID.randomUUID().toString().replace("-", ""); // SecureRandom: a lease id cannot be guessed
    }
}
