package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Projects consumer polls into MySQL exactly once, each in one transaction ({@link #write}, retried on deadlock,
 * lock wait timeout and lost connection) or several in one ({@link #open}); {@link ProjectionTransaction} says what
 * a transaction does, {@link ProjectionBuffer} what it holds, the {@link ProjectionSink} how its rows travel.
 *
 * <p>The first version of a request to be projected wins. Within a poll that is the one relay-api accepted first
 * ({@code receivedAt}, then offset order); across polls it is commit order, which for resends on the same key (same
 * partition) is acceptance order. A resend under another {@code apiKeyId} travels on another partition and can only
 * win if it is projected before the original, i.e. if it was sent while the original was still in flight.
 *
 * <p>Counts every committed event in {@code ledger.events.projected} (tags {@code type}, {@code outcome}).
 * Thread-safe.
 */
public final class ProjectionWriter {

    private final DataSource dataSource;
    private final BatchFold fold;
    private final TransactionRetry retry;
    private final Clock clock;
    private final LongSupplier tokens;
    private final ProjectionSink sink;
    private final Counter newUsage;
    private final Counter duplicateUsage;
    private final Counter newAdjustments;
    private final Counter duplicateAdjustments;

    /** A writer of batched {@code INSERT}s ({@link BatchedInsertSink}). */
    public ProjectionWriter(DataSource dataSource, BatchFold fold, TransactionRetry retry, Clock clock,
            LongSupplier tokens, MeterRegistry registry) {
        this(dataSource, fold, retry, clock, tokens, registry, new BatchedInsertSink());
    }

    /**
     * @param tokens source of per-attempt claim tokens; must not repeat within the lifetime of a consumer's in-flight
     *               transactions (a random 64-bit value does)
     * @param sink   how rows reach the database; every sink stores the same rows, claims, sums and checks
     */
    public ProjectionWriter(DataSource dataSource, BatchFold fold, TransactionRetry retry, Clock clock,
            LongSupplier tokens, MeterRegistry registry, ProjectionSink sink) {
        this.dataSource = dataSource;
        this.fold = fold;
        this.retry = retry;
        this.clock = clock;
        this.tokens = tokens;
        this.sink = sink;
        this.newUsage = projected(registry, "usage.recorded", "new");
        this.duplicateUsage = projected(registry, "usage.recorded", "duplicate");
        this.newAdjustments = projected(registry, "cost.adjusted", "new");
        this.duplicateAdjustments = projected(registry, "cost.adjusted", "duplicate");
    }

    private static Counter projected(MeterRegistry registry, String type, String outcome) {
        return Counter.builder("ledger.events.projected")
                .description("Events committed to MySQL; duplicates are resends of ids counted before")
                .tag("type", type)
                .tag("outcome", outcome)
                .register(registry);
    }

    /**
     * Projects one poll in a transaction of its own, retried as a whole while the failure is retryable.
     *
     * @throws FencedException     another consumer claimed one of the poll's partitions; nothing committed
     * @throws ProjectionException the database failed and retries are exhausted; nothing committed
     */
    public WriteResult write(ProjectionBatch batch) {
        ProjectionBuffer.Poll poll = ProjectionBuffer.Poll.of(batch);
        return retry.call(() -> {
            try (ProjectionTransaction t = open()) {
                t.add(poll);
                return t.commit();
            }
        });
    }

    /**
     * Opens a transaction that several polls are {@linkplain ProjectionTransaction#add added} to before it commits
     * once. Unlike {@link #write}, a failed transaction is not retried here: the caller re-reads every poll of it
     * from the stored offsets.
     *
     * @throws ProjectionException no connection
     */
    public ProjectionTransaction open() {
        return new ProjectionTransaction(this, JdbcTransaction.begin(dataSource), new ProjectionBuffer(fold));
    }

    /**
     * Opens a transaction with its first poll written, retried as {@link #write} is (the poll is all it holds).
     *
     * @throws FencedException     another consumer claimed one of the poll's partitions
     * @throws ProjectionException the database failed and retries are exhausted
     */
    public ProjectionTransaction begin(ProjectionBatch first) {
        ProjectionBuffer.Poll poll = ProjectionBuffer.Poll.of(first);
        return retry.call(() -> {
            ProjectionTransaction t = open();
            try {
                t.add(poll);
                return t;
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        });
    }

    ProjectionSink sink() {
        return sink;
    }

    long nextToken() {
        return tokens.getAsLong();
    }

    Instant now() {
        return clock.instant();
    }

    /** The result of a committed transaction, counted in the metrics. */
    WriteResult count(ProjectionBuffer.Counts counts) {
        WriteResult result = new WriteResult(counts.newUsage(), counts.usageEvents() - counts.newUsage(),
                counts.newAdjustments(), counts.adjustmentEvents() - counts.newAdjustments(), counts.statsRows());
        newUsage.increment(result.newUsage());
        duplicateUsage.increment(result.duplicateUsage());
        newAdjustments.increment(result.newAdjustments());
        duplicateAdjustments.increment(result.duplicateAdjustments());
        return result;
    }
}
