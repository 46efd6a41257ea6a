package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.MutableClock;
import dev.usageledger.fixtures.TestRedis;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** {@link UsageCounters} against a real redis-server, read back through {@link RedisLimiter}. */
class UsageCountersIT {

    private static final Instant NOW = Instant.parse("2026-03-04T10:00:00.000Z"); // a Wednesday
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static RedisClient redis;

    private final MutableClock clock = MutableClock.at(NOW);
    private final QuotaPeriods periods = new QuotaPeriods(ZoneOffset.UTC);
    private RedisLimiter limiter;
    private UsageCounters counters;
    private String key;

    @BeforeAll
    static void connect() {
        redis = RedisClient.create(TestRedis.server().uri());
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @BeforeEach
    void newKey() {
        limiter = new RedisLimiter(redis, new LimitScripts(), clock, periods);
        counters = new UsageCounters(redis, new LimitScripts(), periods, clock, Duration.ofDays(31));
        key = "counted-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
    }

    private static KeyLimits limits(long tokens, String costPerWindow, String daily) {
        return new KeyLimits(60, 0, tokens, new BigDecimal(costPerWindow), 0, 0, new BigDecimal(daily),
                BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, false);
    }

    private LedgerEvent usage(String id, Instant at, long input, String rated) {
        return Events.usage(id).key(key).at(at).tokens(input, 0).cost(rated, rated).build();
    }

    @Test
    void countsAResentOrRedeliveredEventOnce() {
        KeyLimits l = limits(0, "0", "0");
        List<LedgerEvent> batch = List.of(usage("r1", NOW.minusSeconds(5), 100, "0.5"),
                usage("r2", NOW.minusSeconds(4), 50, "0.25"));
        assertThat(counters.apply(key, l, batch)).isEqualTo(new UsageCounters.Applied(2, 0, 0));
        assertThat(counters.apply(key, l, batch)).isEqualTo(new UsageCounters.Applied(0, 2, 0));
        CurrentUsage u = limiter.usage(key, l);
        assertThat(u.windowTokens()).isEqualTo(150);
        assertThat(u.windowCostUsd()).isEqualByComparingTo("0.75");
        assertThat(u.dailyCostUsd()).isEqualByComparingTo("0.75");
        assertThat(u.weeklyCostUsd()).isEqualByComparingTo("0.75");
        assertThat(u.totalCostUsd()).isEqualByComparingTo("0.75");
    }

    @Test
    void deniesTokensCostAndDailyQuotaOnceReportedUsageReachesThem() {
        KeyLimits tokens = limits(100, "0", "0");
        counters.apply(key, tokens, List.of(usage("t1", NOW.minusSeconds(1), 100, "0.1")));
        assertThat(limiter.admit(key, tokens).reason()).isEqualTo(Reason.TOKENS_PER_WINDOW);
        KeyLimits cost = limits(0, "0.1", "0");
        assertThat(limiter.admit(key, cost).reason()).isEqualTo(Reason.COST_PER_WINDOW);
        KeyLimits daily = limits(0, "0", "0.1");
        assertThat(limiter.admit(key, daily).reason()).isEqualTo(Reason.DAILY_COST);
        clock.advance(Duration.ofSeconds(61)); // the window slid past; the day did not
        assertThat(limiter.admit(key, tokens).allowed()).isTrue();
        assertThat(limiter.admit(key, daily).reason()).isEqualTo(Reason.DAILY_COST);
    }

    @Test
    void addsAdjustmentsToCostAndOldUsageToQuotasOnly() {
        KeyLimits l = limits(0, "0", "0");
        counters.apply(key, l, List.of(usage("old", NOW.minus(Duration.ofHours(2)), 500, "1"),
                Events.adjustment("adj1").key(key).at(NOW).amounts("-0.25", "-0.25").build()));
        counters.apply(key, l, List.of(Events.adjustment("adj1").key(key).at(NOW).amounts("-0.25", "-0.25").build()));
        CurrentUsage u = limiter.usage(key, l);
        assertThat(u.windowTokens()).isZero();
        assertThat(u.dailyCostUsd()).isEqualByComparingTo("0.75");
        assertThat(u.totalCostUsd()).isEqualByComparingTo("0.75");
    }

    @Test
    void leavesEventsOlderThanTheDedupeHorizonToTheReconciliation() {
        KeyLimits l = limits(0, "0", "0");
        assertThat(counters.apply(key, l, List.of(usage("ancient", NOW.minus(Duration.ofDays(32)), 1, "1"))))
                .isEqualTo(new UsageCounters.Applied(0, 0, 1));
        assertThat(limiter.usage(key, l).totalCostUsd()).isEqualByComparingTo("0");
    }

    @Test
    void excludesALosingVersionOnceWhetherCountedBeforeOrAfter() {
        KeyLimits l = limits(0, "0", "0");
        LedgerEvent kept = usage("k1", NOW.minusSeconds(3), 10, "0.1");
        LedgerEvent counted = usage("lost-after", NOW.minusSeconds(2), 100, "0.5");
        LedgerEvent ahead = usage("lost-before", NOW.minusSeconds(1), 50, "0.25");
        counters.apply(key, l, List.of(kept, counted));

        assertThat(counters.exclude(key, l, List.of(counted, ahead))).isEqualTo(new UsageCounters.Applied(1, 1, 0));
        assertThat(counters.exclude(key, l, List.of(counted, ahead))).isEqualTo(new UsageCounters.Applied(0, 0, 2));
        assertThat(counters.apply(key, l, List.of(counted, ahead))).isEqualTo(new UsageCounters.Applied(0, 2, 0));

        CurrentUsage u = limiter.usage(key, l);
        assertThat(u.windowTokens()).isEqualTo(10);
        assertThat(u.windowCostUsd()).isEqualByComparingTo("0.1");
        assertThat(u.dailyCostUsd()).isEqualByComparingTo("0.1");
        assertThat(u.weeklyCostUsd()).isEqualByComparingTo("0.1");
        assertThat(u.totalCostUsd()).isEqualByComparingTo("0.1");
    }
}
