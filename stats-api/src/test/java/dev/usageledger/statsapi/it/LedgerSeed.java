package dev.usageledger.statsapi.it;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Fills a test database the way usage-consumer does: through the projection's own writer, one transaction per call
 * that writes the ledger rows, the stats rows and partition 0's stored offset, so the stats rows are the real ones.
 * The clock is fixed at {@code projectedAt}, which the reads report.
 */
final class LedgerSeed {

    private static final String GROUP = "usage-projector";
    private static final String TOPIC = "usage-events";

    private final ProjectionWriter writer;
    private final long epoch;
    private long offset;

    LedgerSeed(DataSource dataSource, ZoneId reportingZone, Instant projectedAt) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Clock clock = Clock.fixed(projectedAt, ZoneOffset.UTC);
        TransactionRetry retry = new TransactionRetry("stats-it", RetrySettings.DEFAULTS, registry);
        epoch = new ConsumerOffsets(dataSource, clock, retry).claim(GROUP, TOPIC, List.of(0)).get(0).epoch();
        Random tokens = new Random(reportingZone.getId().hashCode());
        writer = new ProjectionWriter(dataSource, new BatchFold(new Buckets(reportingZone)), retry, clock,
                tokens::nextLong, registry);
    }

    /** Projects {@code events} in one transaction, as the next records of partition 0. */
    synchronized void project(List<? extends LedgerEvent> events) {
        offset += events.size();
        writer.write(new ProjectionBatch(GROUP, TOPIC, List.copyOf(events), Map.of(0, offset), Map.of(0, epoch)));
    }
}
