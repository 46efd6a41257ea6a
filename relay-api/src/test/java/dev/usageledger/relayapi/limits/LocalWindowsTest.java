package dev.usageledger.relayapi.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.limits.Admission;
import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.LimitScripts;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.limits.Reason;
import dev.usageledger.limits.RedisLimiter;
import dev.usageledger.relayapi.config.LimitsProperties.FailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** The in-memory approximation of admission under fail-open, on an injected clock. */
class LocalWindowsTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-22T10:00:00.250Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static KeyLimits requests(long perMinute, int concurrency, boolean shadow) {
        return new KeyLimits(60, perMinute, 0, BigDecimal.ZERO, concurrency, concurrency > 0 ? 60 : 0,
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, shadow);
    }

    @Test
    void appliesTheRequestsPerWindowLimitPerKeyAndSlides() {
        MovableClock clock = new MovableClock();
        LocalWindows windows = new LocalWindows(clock, 100);
        KeyLimits three = requests(3, 0, false);

        for (int i = 0; i < 3; i++) {
            assertThat(windows.admit("a", three).allowed()).isTrue();
            clock.advance(Duration.ofSeconds(1));
        }
        Admission denied = windows.admit("a", three);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.reason()).isEqualTo(Reason.REQUESTS_PER_WINDOW);
        assertThat(denied.retryAfterMs()).isBetween(1L, 60_000L);
        assertThat(windows.admit("b", three).allowed()).as("another key has its own window").isTrue();

        clock.advance(Duration.ofMillis(denied.retryAfterMs()));
        assertThat(windows.admit("a", three).allowed()).as("the oldest request left the window").isTrue();
        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 3; i++) {
            assertThat(windows.admit("a", three).allowed()).isTrue();
        }
        assertThat(windows.admit("a", three).allowed()).isFalse();
    }

    @Test
    void concurrencyAloneAndShadowKeysAreAllowed() {
        LocalWindows windows = new LocalWindows(new MovableClock(), 100);
        for (int i = 0; i < 10; i++) {
            assertThat(windows.admit("c", requests(0, 1, false)).allowed()).isTrue();
        }
        KeyLimits shadow = requests(1, 0, true);
        assertThat(windows.admit("s", shadow).allowed()).isTrue();
        Admission second = windows.admit("s", shadow);
        assertThat(second.allowed()).isTrue();
        assertThat(second.reason()).as("what it would have been denied for").isEqualTo(Reason.REQUESTS_PER_WINDOW);
    }

    @Test
    void admissionsFailOpenIntoTheLocalWindowWhenRedisIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        MovableClock clock = new MovableClock();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(200).build()).build();
                HikariDataSource unused = new HikariDataSource()) {
            LimitsCache cache = new LimitsCache(new KeyLimitsStore(unused), Duration.ofMinutes(10), 100);
            cache.put("k", requests(2, 0, false));
            Admissions admissions = new Admissions(new RedisLimiter(redis, new LimitScripts(), clock,
                    new QuotaPeriods(ZoneOffset.UTC)), cache, new KeyLimitsStore(unused), FailurePolicy.OPEN,
                    new AdmissionMetrics(registry), clock, new RedisBreaker(50, 20, Duration.ofSeconds(2), registry),
                    new LocalWindows(clock, 100), change -> { });

            assertThat(admissions.admit("k", "r1").allowed()).isTrue();
            assertThat(admissions.admit("k", "r2").allowed()).isTrue();
            Admission third = admissions.admit("k", "r3");
            assertThat(third.allowed()).isFalse();
            assertThat(third.reason()).isEqualTo(Reason.REQUESTS_PER_WINDOW);

            assertThat(registry.get(AdmissionMetrics.DECISIONS).tag("outcome", "degraded_allowed")
                    .tag("reason", "redis").counter().count()).isEqualTo(2);
            assertThat(registry.get(AdmissionMetrics.DECISIONS).tag("outcome", "degraded_denied")
                    .tag("reason", "requests_per_window").counter().count()).isEqualTo(1);
        }
    }
}
