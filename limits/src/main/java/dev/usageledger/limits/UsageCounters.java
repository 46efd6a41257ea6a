package dev.usageledger.limits;

import dev.usageledger.limits.LimitScripts.Script;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * The usage-fed counters of the limits: window tokens and cost, daily, weekly and total rated cost per API key, added
 * from {@code usage.recorded} and {@code cost.adjusted} events. One script call ({@code count.lua}) per key and batch
 * (all keys of one call share the key's hash tag); the call is atomic, and every event is added at most once: its id
 * enters the key's dedupe set ({@link LimitKeys#counted}) in the same call, and stays there for the dedupe horizon
 * (at least the ingest's maximum event age, so a relay's resend can never be counted twice). Kafka redelivery is
 * absorbed the same way, so stored offsets are only a resume hint.
 *
 * <p>Periods follow {@link RedisLimiter}: the day and week of the event's {@code occurredAt} in the reporting zone
 * (the week per the key's {@code weeklyResetDay}/{@code weeklyResetHour}), window buckets of the key's current window
 * length. An event whose window bucket has already left the window adds to the quotas only. Thread-safe.
 */
public final class UsageCounters {

    /** Most events per script call (bounds one call's time inside Redis). */
    static final int MAX_EVENTS_PER_CALL = 1000;

    /** What one call did. */
    public record Applied(long applied, long duplicates, long tooOld) {
        public Applied plus(Applied o) {
            return new Applied(applied + o.applied, duplicates + o.duplicates, tooOld + o.tooOld);
        }
    }

    private final UnifiedJedis redis;
    private final LimitScripts scripts;
    private final QuotaPeriods periods;
    private final Clock clock;
    private final long horizonMs;

    public UsageCounters(UnifiedJedis redis, LimitScripts scripts, QuotaPeriods periods, Clock clock,
            Duration dedupeHorizon) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.periods = Objects.requireNonNull(periods, "periods");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (dedupeHorizon.isNegative() || dedupeHorizon.isZero()) {
            throw new IllegalArgumentException("dedupe horizon must be positive");
        }
        this.horizonMs = dedupeHorizon.toMillis();
    }

    /** Adds {@code events} (all of {@code apiKeyId}) to its counters; {@code limits} are the key's current limits. */
    public Applied apply(String apiKeyId, KeyLimits limits, List<? extends LedgerEvent> events) {
        return run(1, apiKeyId, limits, events);
    }

    /**
     * Excludes {@code losers} (versions of {@code apiKeyId} that lost a resend conflict to a version under another key)
     * from its counters, each at most once ({@code count.lua} with sign -1): taken away if counted, never counted if
     * read later.
     * Returns {taken away, excluded before counting, already excluded or older than the dedupe horizon}.
     */
    public Applied exclude(String apiKeyId, KeyLimits limits, List<? extends LedgerEvent> losers) {
        return run(-1, apiKeyId, limits, losers);
    }

    private Applied run(int sign, String apiKeyId, KeyLimits limits, List<? extends LedgerEvent> events) {
        Applied total = new Applied(0, 0, 0);
        for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_CALL) {
            total = total.plus(call(sign, apiKeyId, limits, events.subList(from, Math.min(events.size(),
                    from + MAX_EVENTS_PER_CALL))));
        }
        return total;
    }

    private Applied call(int sign, String apiKeyId, KeyLimits limits, List<? extends LedgerEvent> events) {
        Instant now = clock.instant();
        long windowMs = limits.windowSeconds() * 1000L;
        long bucketMs = windowMs == 0 ? 1000 : LimitKeys.bucketMillis(limits.windowSeconds());
        List<String> keys = new ArrayList<>(List.of(LimitKeys.counted(apiKeyId), LimitKeys.totalCost(apiKeyId),
                LimitKeys.windowTokens(apiKeyId, bucketMs), LimitKeys.windowCost(apiKeyId, bucketMs)));
        Map<String, Long> periodTtls = new LinkedHashMap<>();
        List<String> eventArgs = new ArrayList<>(events.size() * 6);
        for (LedgerEvent e : events) {
            if (!e.apiKeyId().equals(apiKeyId)) {
                throw new IllegalArgumentException("event " + e.eventId() + " is not of key " + apiKeyId);
            }
            LocalDate day = periods.day(e.occurredAt());
            LocalDateTime week = periods.weekStart(e.occurredAt(), limits);
            String dayKey = LimitKeys.dailyCost(apiKeyId, day);
            String weekKey = LimitKeys.weeklyCost(apiKeyId, week);
            periodTtls.computeIfAbsent(dayKey, k -> ttlMs(now,
                    day.plusDays(2).atStartOfDay(periods.zone()).toInstant()));
            periodTtls.computeIfAbsent(weekKey, k -> ttlMs(now,
                    week.plusWeeks(1).plusDays(1).atZone(periods.zone()).toInstant()));
            long tokens;
            long cost;
            String member;
            if (e instanceof UsageRecorded u) {
                tokens = u.usage().total();
                cost = UsdUnits.toUnits(u.cost().ratedUsd());
                member = "u:" + u.requestId();
            } else {
                CostAdjusted a = (CostAdjusted) e;
                tokens = 0;
                cost = UsdUnits.toUnits(a.ratedUsd());
                member = "a:" + a.adjustmentId();
            }
            eventArgs.add(member);
            eventArgs.add(Long.toString(e.occurredAt().toEpochMilli()));
            eventArgs.add(Long.toString(tokens));
            eventArgs.add(Long.toString(cost));
            eventArgs.add(Integer.toString(keyIndex(periodTtls, dayKey)));
            eventArgs.add(Integer.toString(keyIndex(periodTtls, weekKey)));
        }
        keys.addAll(periodTtls.keySet());
        List<String> args = new ArrayList<>(6 + periodTtls.size() + eventArgs.size());
        args.add(Long.toString(now.toEpochMilli()));
        args.add(Long.toString(horizonMs));
        args.add(Long.toString(windowMs));
        args.add(Long.toString(bucketMs));
        args.add(Integer.toString(periodTtls.size()));
        args.add(Integer.toString(sign));
        periodTtls.values().forEach(ttl -> args.add(Long.toString(ttl)));
        args.addAll(eventArgs);
        List<?> reply = (List<?>) scripts.run(redis, Script.COUNT, keys, args);
        return new Applied((Long) reply.get(0), (Long) reply.get(1), (Long) reply.get(2));
    }

    /** 1-based index in KEYS of a period key (after the four fixed keys). */
    private static int keyIndex(Map<String, Long> periodKeys, String key) {
        int i = 5;
        for (String k : periodKeys.keySet()) {
            if (k.equals(key)) {
                return i;
            }
            i++;
        }
        throw new IllegalStateException(key);
    }

    static long ttlMs(Instant now, Instant expiry) {
        return Math.max(1, expiry.toEpochMilli() - now.toEpochMilli());
    }
}
