package dev.usageledger.relayapi.limits;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The circuit breaker around every limiter call to Redis: after {@code failureRate}% of the last calls failed to reach
 * Redis (connection errors and timeouts; a script error is not an outage), calls are refused at once for
 * {@code waitInOpen} instead of each waiting for the timeout, then a few trial calls decide whether to close again.
 * A refused or failed call surfaces as {@link LimitsUnavailableException} ({@code redis}), so the failure policy
 * answers. Meters: {@code ledger.limits.breaker.state} (1 for the current state, tagged {@code state}) and
 * {@code ledger.limits.breaker.transitions} (tagged {@code to}).
 */
public final class RedisBreaker {

    private static final String[] STATES = {"closed", "open", "half_open", "disabled", "forced_open", "metrics_only"};

    private final CircuitBreaker breaker;

    public RedisBreaker(int failureRatePercent, int window, Duration waitInOpen, MeterRegistry registry) {
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(Math.min(window, 5))
                .waitDurationInOpenState(waitInOpen)
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(e -> e instanceof JedisConnectionException)
                .build());
        for (String state : new String[] {"closed", "open", "half_open"}) {
            Gauge.builder("ledger.limits.breaker.state", breaker, b -> state(b).equals(state) ? 1 : 0)
                    .description("The Redis circuit breaker's state (1 = current)")
                    .tag("state", state)
                    .register(registry);
            Counter.builder("ledger.limits.breaker.transitions").description("Redis circuit breaker transitions")
                    .tag("to", state).register(registry);
        }
        breaker.getEventPublisher().onStateTransition(e -> {
            String to = e.getStateTransition().getToState().name().toLowerCase(Locale.ROOT);
            if (to.equals("closed") || to.equals("open") || to.equals("half_open")) {
                registry.counter("ledger.limits.breaker.transitions", "to", to).increment();
            }
        });
    }

    /** Runs {@code call} through the breaker; a refused call or a Redis error becomes a LimitsUnavailableException. */
    public <T> T call(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException e) {
            throw new LimitsUnavailableException("redis", e);
        } catch (JedisException e) {
            throw new LimitsUnavailableException("redis", e);
        }
    }

    /** {@code closed}, {@code open} or {@code half_open}. */
    public String state() {
        return state(breaker);
    }

    private static String state(CircuitBreaker b) {
        String s = b.getState().name().toLowerCase(Locale.ROOT);
        return java.util.Arrays.asList(STATES).contains(s) ? s : "closed";
    }
}
