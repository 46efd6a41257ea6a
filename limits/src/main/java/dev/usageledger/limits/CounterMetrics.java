package dev.usageledger.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/** The meters of the {@link CounterProjector}, registered once. */
final class CounterMetrics {

    final Counter undecodable;
    final Timer batch;
    final Timer freshness;
    private final Counter drift;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter tooOld;
    private final Map<String, Counter> rebuilds;
    private final Counter excludedCounted;
    private final Counter excludedAhead;

    CounterMetrics(MeterRegistry registry) {
        this.applied = events(registry, "applied");
        this.duplicates = events(registry, "duplicate");
        this.tooOld = events(registry, "too_old");
        this.undecodable = events(registry, "undecodable");
        this.batch = Timer.builder("ledger.counters.batch")
                .description("Time to apply one batch to the Redis counters")
                .publishPercentileHistogram()
                .register(registry);
        this.freshness = Timer.builder("ledger.counters.freshness")
                .description("From relay-api accepting a usage event to its counters being updated")
                .publishPercentileHistogram()
                .register(registry);
        this.rebuilds = Map.of(CounterProjector.LOST_STATE, rebuilds(registry, CounterProjector.LOST_STATE),
                CounterProjector.RECONCILE, rebuilds(registry, CounterProjector.RECONCILE));
        this.excludedCounted = excluded(registry, "counted");
        this.excludedAhead = excluded(registry, "not_yet_counted");
        this.drift = Counter.builder("ledger.counters.drift")
                .description("Keys whose counters differed from MySQL when rebuilt")
                .register(registry);
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("ledger.counters.events").description("Events seen by the counters projection")
                .tag("outcome", outcome).register(registry);
    }

    private static Counter excluded(MeterRegistry registry, String when) {
        return Counter.builder("ledger.counters.conflicts.excluded")
                .description("Losing versions of cross-key resend conflicts excluded from their key's counters")
                .tag("when", when).register(registry);
    }

    void excluded(UsageCounters.Applied result) {
        excludedCounted.increment(result.applied());
        excludedAhead.increment(result.duplicates());
    }

    private static Counter rebuilds(MeterRegistry registry, String trigger) {
        return Counter.builder("ledger.counters.rebuilds")
                .description("Rebuilds of the Redis counters from MySQL").tag("trigger", trigger).register(registry);
    }

    void applied(UsageCounters.Applied result) {
        applied.increment(result.applied());
        duplicates.increment(result.duplicates());
        tooOld.increment(result.tooOld());
    }

    /** @param trigger {@link CounterProjector#LOST_STATE} or {@link CounterProjector#RECONCILE} */
    void rebuilt(String trigger, CounterRebuilder.Restored restored) {
        rebuilds.get(trigger).increment();
        drift.increment(restored.drifted());
    }
}
