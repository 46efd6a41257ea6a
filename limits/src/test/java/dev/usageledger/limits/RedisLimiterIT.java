package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.MutableClock;
import dev.usageledger.fixtures.TestRedis;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** {@link RedisLimiter} against a real redis-server, time driven by a {@link MutableClock}. */
class RedisLimiterIT {

    private static final Instant START = Instant.parse("2026-03-04T10:00:00.000Z"); // a Wednesday
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static RedisClient redis;

    private final MutableClock clock = MutableClock.at(START);
    private final QuotaPeriods periods = new QuotaPeriods(ZoneOffset.UTC);
    private RedisLimiter limiter;
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
        key = "key-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
    }

    private static KeyLimits requests(int windowSeconds, long limit) {
        return new KeyLimits(windowSeconds, limit, 0, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
    }

    private static KeyLimits concurrency(int limit, int leaseSeconds) {
        return new KeyLimits(0, 0, 0, BigDecimal.ZERO, limit, leaseSeconds, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
    }

    private static KeyLimits quotas(String daily, String weekly, String total, int resetDay, int resetHour) {
        return new KeyLimits(0, 0, 0, BigDecimal.ZERO, 0, 0, new BigDecimal(daily), new BigDecimal(total),
                new BigDecimal(weekly), resetDay, resetHour, false);
    }

    @Test
    void admitsExactlyTheLimitOf200ConcurrentAdmissions() throws Exception {
        KeyLimits limits = requests(60, 100);
        List<Admission> answers = concurrently(200, () -> limiter.admit(key, limits));
        assertThat(answers.stream().filter(Admission::allowed)).hasSize(100);
        assertThat(answers.stream().filter(a -> !a.allowed())).hasSize(100).allSatisfy(a -> {
            assertThat(a.reason()).isEqualTo(Reason.REQUESTS_PER_WINDOW);
            assertThat(a.retryAfterMs()).isPositive();
        });
        assertThat(limiter.usage(key, limits).windowRequests()).isEqualTo(100);
    }

    @Test
    void aSlidingWindowNeverAdmitsMoreThanTheLimitInAnyWindowLongIntervalAcrossBoundaries() {
        int windowSeconds = 10;
        long window = windowSeconds * 1000L;
        int limit = 20;
        KeyLimits limits = requests(windowSeconds, limit);
        Random random = new Random(42);
        List<Long> admitted = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            clock.advanceMillis(random.nextInt(40)); // steps far finer than a bucket (166 ms) and the window
            int attempts = random.nextInt(3);
            for (int i = 0; i < attempts; i++) {
                if (limiter.admit(key, limits).allowed()) {
                    admitted.add(clock.millis());
                }
            }
        }
        // Every window-long interval [t - window + 1, t] ending at an admission holds at most `limit` admissions.
        int from = 0;
        int worst = 0;
        for (int to = 0; to < admitted.size(); to++) {
            while (admitted.get(from) <= admitted.get(to) - window) {
                from++;
            }
            worst = Math.max(worst, to - from + 1);
        }
        assertThat(worst).isLessThanOrEqualTo(limit);
        // ... and the limiter is not merely closed: ~60 s of traffic admits at least 5 windows' worth.
        assertThat(admitted.size()).isGreaterThanOrEqualTo(5 * limit);
    }

    @Test
    void aDenialsRetryAfterIsExactlyWhenTheWindowAllowsAgain() {
        KeyLimits limits = requests(60, 3); // buckets of 1 s
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(key, limits).allowed()).isTrue();
            clock.advanceMillis(400);
        }
        Admission denied = limiter.admit(key, limits);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.reason()).isEqualTo(Reason.REQUESTS_PER_WINDOW);
        // All three sit in bucket [0, 1000), which counts in full until 1000 + 60000 ms (conservative by one
        // bucket): 59800 ms from t=1200.
        assertThat(denied.retryAfterMs()).isEqualTo(59_800);

        clock.advanceMillis(denied.retryAfterMs() - 1);
        assertThat(limiter.admit(key, limits).allowed()).isFalse();
        clock.advanceMillis(1);
        assertThat(limiter.admit(key, limits).allowed()).isTrue();
    }

    @Test
    void fiftyCallersHoldingTheirLeasesGetExactlyFiveRoundAfterRound() throws Exception {
        KeyLimits limits = concurrency(5, 300);
        for (int round = 0; round < 3; round++) {
            List<Admission> answers = concurrently(50, () -> limiter.admit(key, limits));
            List<Admission> granted = answers.stream().filter(Admission::allowed).toList();
            assertThat(granted).as("round %d", round).hasSize(5);
            assertThat(granted).extracting(Admission::leaseId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(answers.stream().filter(a -> !a.allowed())).as("round %d", round).hasSize(45)
                    .allSatisfy(a -> assertThat(a.reason()).isEqualTo(Reason.CONCURRENCY));
            assertThat(limiter.usage(key, limits).activeLeases()).isEqualTo(5);
            Queue<Admission> held = new ConcurrentLinkedQueue<>(granted);
            List<Boolean> released = concurrently(granted.size(), () -> limiter.release(held.remove().leaseId()));
            assertThat(released).containsOnly(true);
            assertThat(limiter.usage(key, limits).activeLeases()).isZero();
        }
    }

    /** {@code callers} threads released at once, each calling {@code call} once; the answers. */
    private static <T> List<T> concurrently(int callers, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (int c = 0; c < callers; c++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstExpiry() {
        KeyLimits limits = concurrency(1, 30);
        Admission first = limiter.admit(key, limits);
        assertThat(first.leaseExpiresAt()).isEqualTo(START.plusSeconds(30));

        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.renew(first.leaseId(), limits)).contains(START.plusSeconds(50));
        clock.advance(Duration.ofSeconds(20)); // 40 s: past the first expiry

        Admission second = limiter.admit(key, limits);
        assertThat(second.allowed()).isFalse();
        assertThat(second.reason()).isEqualTo(Reason.CONCURRENCY);
        assertThat(second.retryAfterMs()).isEqualTo(10_000);
        assertThat(limiter.usage(key, limits).activeLeases()).isEqualTo(1);
        assertThat(limiter.renew(first.leaseId(), limits)).contains(START.plusSeconds(70));
    }

    @Test
    void anExpiredLeaseFreesItsSlotAndCannotBeRenewed() {
        KeyLimits limits = concurrency(1, 30);
        Admission first = limiter.admit(key, limits);
        assertThat(limiter.admit(key, limits).allowed()).isFalse();

        clock.advance(Duration.ofSeconds(30));
        Admission second = limiter.admit(key, limits);

        assertThat(second.allowed()).isTrue();
        assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
        assertThat(limiter.renew(first.leaseId(), limits)).isEmpty();
        assertThat(limiter.usage(key, limits).activeLeases()).isEqualTo(1);
    }

    @Test
    void aDoubleReleaseIsHarmless() {
        KeyLimits limits = concurrency(2, 30);
        Admission a = limiter.admit(key, limits);
        Admission b = limiter.admit(key, limits);

        assertThat(limiter.release(a.leaseId())).isTrue();
        assertThat(limiter.release(a.leaseId())).isFalse();
        assertThat(limiter.release("not-a-lease")).isFalse();

        assertThat(limiter.usage(key, limits).activeLeases()).isEqualTo(1);
        assertThat(limiter.renew(b.leaseId(), limits)).isPresent();
        assertThat(limiter.admit(key, limits).allowed()).isTrue();
        assertThat(limiter.admit(key, limits).allowed()).isFalse();
    }

    @Test
    void recoversFromNoScriptAfterScriptFlush() {
        KeyLimits limits = requests(60, 2);
        assertThat(limiter.admit(key, limits).allowed()).isTrue();

        redis.scriptFlush();

        assertThat(limiter.admit(key, limits).allowed()).isTrue();
        assertThat(limiter.admit(key, limits).allowed()).isFalse();
    }

    @Test
    void quotasAreCheckedFirstAndAnswerWithoutRetryAfter() {
        KeyLimits limits = new KeyLimits(60, 1, 0, BigDecimal.ZERO, 1, 30, new BigDecimal("10"), BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
        assertThat(limiter.admit(key, limits).allowed()).isTrue(); // uses the request and the slot
        redis.set(LimitKeys.dailyCost(key, periods.day(START)), Long.toString(UsdUnits.toUnits(new BigDecimal("10"))));

        Admission denied = limiter.admit(key, limits);

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.reason()).isEqualTo(Reason.DAILY_COST);
        assertThat(denied.retryAfterMs()).isZero();
        assertThat(limiter.usage(key, limits).dailyCostUsd()).isEqualByComparingTo("10");
    }

    @Test
    void theDailyQuotaDeniesAtTheLimitNotBelowIt() {
        KeyLimits limits = quotas("10", "0", "0", 0, 0);
        String daily = LimitKeys.dailyCost(key, periods.day(START));
        redis.set(daily, Long.toString(UsdUnits.toUnits(new BigDecimal("9.9999999999"))));
        assertThat(limiter.admit(key, limits).allowed()).isTrue();
        redis.incrBy(daily, 1);
        assertThat(limiter.admit(key, limits).reason()).isEqualTo(Reason.DAILY_COST);
        clock.set(Instant.parse("2026-03-05T00:00:00Z")); // the next day
        assertThat(limiter.admit(key, limits).allowed()).isTrue();
    }

    @Test
    void theWeeklyQuotaResetsAtTheConfiguredDayAndHour() {
        KeyLimits limits = quotas("0", "5", "0", 5, 8); // Friday 08:00
        clock.set(Instant.parse("2026-03-06T07:59:59.999Z")); // Friday, one ms before the reset
        String week = LimitKeys.weeklyCost(key, periods.weekStart(clock.instant(), limits));
        redis.set(week, Long.toString(UsdUnits.toUnits(new BigDecimal("5"))));
        assertThat(limiter.admit(key, limits).reason()).isEqualTo(Reason.WEEKLY_COST);

        clock.advanceMillis(1);

        assertThat(limiter.admit(key, limits).allowed()).isTrue();
        assertThat(limiter.usage(key, limits).weeklyCostUsd()).isEqualByComparingTo("0");
    }

    @Test
    void theTotalQuotaDenies() {
        KeyLimits limits = quotas("0", "0", "100", 0, 0);
        redis.set(LimitKeys.totalCost(key), Long.toString(UsdUnits.toUnits(new BigDecimal("100.5"))));
        Admission denied = limiter.admit(key, limits);
        assertThat(denied.reason()).isEqualTo(Reason.TOTAL_COST);
        assertThat(redis.ttl(LimitKeys.totalCost(key))).isEqualTo(-1L);
    }

    @Test
    void tokenAndCostWindowsDenyOnceReportedUsageReachesThem() {
        KeyLimits tokens = new KeyLimits(60, 0, 1000, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
        long bucket = LimitKeys.bucketMillis(60);
        redis.hincrBy(LimitKeys.windowTokens(key, bucket), Long.toString(START.toEpochMilli() / bucket), 1000);
        Admission denied = limiter.admit(key, tokens);
        assertThat(denied.reason()).isEqualTo(Reason.TOKENS_PER_WINDOW);
        assertThat(denied.retryAfterMs()).isEqualTo(61_000);

        KeyLimits cost = new KeyLimits(60, 0, 0, new BigDecimal("2"), 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
        redis.hincrBy(LimitKeys.windowCost(key, bucket), Long.toString(START.toEpochMilli() / bucket),
                UsdUnits.toUnits(new BigDecimal("2")));
        assertThat(limiter.admit(key, cost).reason()).isEqualTo(Reason.COST_PER_WINDOW);
        assertThat(limiter.usage(key, cost).windowCostUsd()).isEqualByComparingTo("2");
    }

    @Test
    void aShadowKeyIsAlwaysAllowedButTheDenialIsReported() {
        KeyLimits limits = new KeyLimits(60, 1, 0, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, true);
        Admission first = limiter.admit(key, limits);
        Admission second = limiter.admit(key, limits);

        assertThat(first.allowed()).isTrue();
        assertThat(first.reason()).isNull();
        assertThat(second.allowed()).isTrue();
        assertThat(second.shadow()).isTrue();
        assertThat(second.reason()).isEqualTo(Reason.REQUESTS_PER_WINDOW);
        assertThat(limiter.usage(key, limits).windowRequests()).isEqualTo(2);
    }

    @Test
    void aKeyWithoutLimitsIsAllowedWithoutALease() {
        Admission a = limiter.admit(key, KeyLimits.NONE);
        assertThat(a.allowed()).isTrue();
        assertThat(a.leaseId()).isNull();
        assertThat(limiter.usage(key, KeyLimits.NONE)).isEqualTo(CurrentUsage.ZERO);
    }

    @Test
    void everyKeyButTheLifetimeTotalHasATtl() {
        KeyLimits limits = new KeyLimits(60, 5, 0, BigDecimal.ZERO, 2, 30, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
        limiter.admit(key, limits);
        long bucket = LimitKeys.bucketMillis(60);
        assertThat(redis.pttl(LimitKeys.windowRequests(key, bucket))).isBetween(1L, 61_000L);
        assertThat(redis.pttl(LimitKeys.leases(key))).isPositive();
        Optional<String> owner = LimitKeys.apiKeyOfLease(limiter.admit(key, limits).leaseId());
        assertThat(owner).contains(key);
    }
}
