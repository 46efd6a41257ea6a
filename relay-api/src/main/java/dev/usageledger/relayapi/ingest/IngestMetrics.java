package dev.usageledger.relayapi.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The ingest meters, registered up front so that every series exists (at 0) from the first scrape:
 * <ul>
 *   <li>{@value #REQUESTS} ({@code ledger_ingest_requests_total}) tagged {@code endpoint}
 *       ({@code usage-events}, {@code cost-adjustments}) and {@code outcome} ({@code accepted}, {@code invalid},
 *       {@code unauthorized}, {@code too_large}, {@code unavailable});</li>
 *   <li>{@value #EVENTS} ({@code ledger_ingest_events_total}) tagged {@code outcome} ({@code accepted},
 *       {@code rejected}) and {@code reason} ({@code none} when accepted, else {@code invalid}, {@code too_large},
 *       {@code unavailable}): usage events whose batch was counted (not those of a 401 or of an unreadable body);</li>
 *   <li>{@value #PUBLISH} ({@code ledger_ingest_publish_seconds}) tagged {@code outcome} ({@code success},
 *       {@code failure}): one Kafka transaction, from submission to commit or give-up, with histogram buckets
 *       ({@code histogram_quantile} gives percentiles across instances).</li>
 * </ul>
 */
public final class IngestMetrics {

    public static final String REQUESTS = "ledger.ingest.requests";
    public static final String EVENTS = "ledger.ingest.events";
    public static final String PUBLISH = "ledger.ingest.publish";

    /** The endpoints, as the {@code endpoint} tag. */
    public enum Endpoint {
        USAGE_EVENTS("usage-events"),
        COST_ADJUSTMENTS("cost-adjustments");

        private final String tag;

        Endpoint(String tag) {
            this.tag = tag;
        }
    }

    private final Map<Endpoint, Map<Outcome, Counter>> requests = new EnumMap<>(Endpoint.class);
    private final Map<Outcome, Counter> events = new EnumMap<>(Outcome.class);
    private final Timer publishSuccess;
    private final Timer publishFailure;

    public IngestMetrics(MeterRegistry registry) {
        for (Endpoint endpoint : Endpoint.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Counter.builder(REQUESTS)
                        .description("Ingest requests by endpoint and outcome")
                        .tag("endpoint", endpoint.tag)
                        .tag("outcome", outcome.tag())
                        .register(registry));
            }
            requests.put(endpoint, byOutcome);
        }
        for (Outcome outcome : Outcome.values()) {
            if (outcome == Outcome.UNAUTHORIZED) {
                continue;
            }
            boolean accepted = outcome == Outcome.ACCEPTED;
            events.put(outcome, Counter.builder(EVENTS)
                    .description("Usage events received, by outcome and rejection reason")
                    .tag("outcome", accepted ? "accepted" : "rejected")
                    .tag("reason", accepted ? "none" : outcome.tag())
                    .register(registry));
        }
        publishSuccess = publishTimer(registry, "success");
        publishFailure = publishTimer(registry, "failure");
    }

    private static Timer publishTimer(MeterRegistry registry, String outcome) {
        return Timer.builder(PUBLISH)
                .description("Time to publish one request's events in one Kafka transaction")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Counts one request and, when {@code eventCount >= 0} on the usage endpoint, its events. */
    public void request(Endpoint endpoint, Outcome outcome, int eventCount) {
        requests.get(endpoint).get(outcome).increment();
        if (endpoint == Endpoint.USAGE_EVENTS && eventCount > 0) {
            Counter counter = events.get(outcome);
            if (counter != null) {
                counter.increment(eventCount);
            }
        }
    }

    public void published(Duration took, boolean success) {
        (success ? publishSuccess : publishFailure).record(took);
    }
}
