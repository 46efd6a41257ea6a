package dev.usageledger.relayapi.limits;

import dev.usageledger.limits.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The admission meters, registered up front so every series exists from the first scrape:
 * <ul>
 *   <li>{@value #DECISIONS} ({@code ledger_admissions_total}) tagged {@code outcome} ({@code allowed},
 *       {@code denied}, {@code shadow_denied}: allowed because the key is in shadow mode, {@code degraded_allowed},
 *       {@code degraded_denied}: the failure policy answered because Redis or MySQL could not) and {@code reason}
 *       ({@code none}, a CONTRACT §4 reason, or {@code redis} / {@code mysql} for degraded answers; under fail-open,
 *       {@code degraded_denied} with {@code requests_per_window} is a denial by the per-instance in-memory window);</li>
 *   <li>{@value #SCRIPT} ({@code ledger_limits_script_seconds}): one admission decision on Redis (one script call),
 *       with a percentile histogram.</li>
 * </ul>
 */
public final class AdmissionMetrics {

    public static final String DECISIONS = "ledger.admissions";
    public static final String SCRIPT = "ledger.limits.script";

    private final Map<String, Counter> counters = new HashMap<>();
    private final Timer script;

    public AdmissionMetrics(MeterRegistry registry) {
        register(registry, "allowed", "none");
        for (Reason reason : Reason.values()) {
            register(registry, "denied", reason.wire());
            register(registry, "shadow_denied", reason.wire());
        }
        for (String dependency : new String[] {"redis", "mysql"}) {
            register(registry, "degraded_allowed", dependency);
            register(registry, "degraded_denied", dependency);
        }
        // fail-open's in-memory approximation (LocalWindows) denies for this reason only
        register(registry, "degraded_denied", Reason.REQUESTS_PER_WINDOW.wire());
        this.script = Timer.builder(SCRIPT)
                .description("Admission decisions on Redis (one script call each)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    private void register(MeterRegistry registry, String outcome, String reason) {
        counters.put(outcome + "/" + reason, Counter.builder(DECISIONS)
                .description("Admission decisions by outcome and reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry));
    }

    void decision(String outcome, String reason) {
        counters.get(outcome + "/" + reason).increment();
    }

    void scriptNanos(long nanos) {
        script.record(Duration.ofNanos(nanos));
    }
}
