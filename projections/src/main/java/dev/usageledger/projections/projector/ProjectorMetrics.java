package dev.usageledger.projections.projector;

import dev.usageledger.projections.retry.RetryClassifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/** The meters of the {@link Projector}, registered once. */
final class ProjectorMetrics {

    final Timer batch;
    final DistributionSummary batchSize;
    final Counter deadLettered;
    final Counter fenced;
    final DistributionSummary pollsPerTransaction;
    private final Map<RetryClassifier.Failure, Counter> rewinds = new EnumMap<>(RetryClassifier.Failure.class);

    ProjectorMetrics(MeterRegistry registry) {
        for (RetryClassifier.Failure f : RetryClassifier.Failure.values()) {
            rewinds.put(f, Counter.builder("ledger.consumer.rewinds")
                    .description("Gathering transactions rolled back after their first poll; their polls are read again")
                    .tag("reason", f.tag())
                    .register(registry));
        }
        this.pollsPerTransaction = DistributionSummary.builder("ledger.consumer.transaction.polls")
                .description("Polls committed together in one MySQL transaction")
                .register(registry);
        this.batch = Timer.builder("ledger.consumer.batch")
                .description("Time to decode, fold and commit one batch")
                .publishPercentileHistogram()
                .register(registry);
        this.batchSize = DistributionSummary.builder("ledger.consumer.batch.size")
                .description("Records per consumed batch")
                .baseUnit("records")
                .register(registry);
        this.deadLettered = Counter.builder("ledger.consumer.dead.lettered")
                .description("Messages sent to the dead-letter topic")
                .register(registry);
        this.fenced = Counter.builder("ledger.consumer.fenced.batches")
                .description("Batches refused because another consumer claimed a partition since")
                .register(registry);
    }

    void rewound(Throwable failure) {
        rewinds.get(RetryClassifier.classify(failure)).increment();
    }
}
