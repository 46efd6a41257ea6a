package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.version.FirstAccepted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Projects consumer polls into MySQL exactly once, each in one transaction ({@link #write}, retried on deadlock,
 * lock wait timeout and lost connection) or several in one ({@link #open}); {@link ProjectionTransaction} says what
 * a transaction does, {@link ProjectionBuffer} what it holds, the {@link ProjectionSink} how its rows travel.
 *
 * <p>The first accepted version of a request or adjustment counts, whatever order the partitions are read in
 * (CONTRACT §1; the rule is {@link FirstAccepted}'s): a version read later but accepted earlier, within the swap
 * horizon, replaces the counted one in the same transaction (ledger row, claim and stats). Every resend whose
 * caller-sent fields differ from the version that counted is recorded in {@code ledger_conflicts}; an identical one
 * is a plain duplicate.
 *
 * <p>Counts, once a transaction committed: every event in {@code ledger.events.projected} (tags {@code type},
 * {@code outcome}); replaced versions in {@code ledger.version.swaps} (tag {@code kind}: {@code usage},
 * {@code adjustment}); each differing caller-sent field of a conflict in {@code ledger.resend.conflicts} (tag
 * {@code field}); conflicts with an earlier version too far from the counted one to replace it in
 * {@code ledger.resend.conflicts.past.horizon}. Thread-safe.
 */
public final class ProjectionWriter {

    /** {@code ledger.projection.swap-horizon} when not given. */
    public static final Duration DEFAULT_SWAP_HORIZON = Duration.ofDays(7);

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
    private final FirstAccepted firstAccepted;
    private final ConflictRows conflictRows = new ConflictRows(new EventCodec());
    private final MeterRegistry registry;
    private final Counter pastHorizon;

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
        this(dataSource, fold, retry, clock, tokens, registry, sink, DEFAULT_SWAP_HORIZON);
    }

    /**
     * @param swapHorizon how far apart two versions' {@code receivedAt} may be for the earlier, read later, to replace
     *                    the counted one ({@code ledger.projection.swap-horizon})
     */
    public ProjectionWriter(DataSource dataSource, BatchFold fold, TransactionRetry retry, Clock clock,
            LongSupplier tokens, MeterRegistry registry, ProjectionSink sink, Duration swapHorizon) {
        this.firstAccepted = new FirstAccepted(swapHorizon);
        this.registry = registry;
        this.pastHorizon = Counter.builder("ledger.resend.conflicts.past.horizon")
                .description("Resends accepted before the counted version but too long before it to replace it")
                .register(registry);
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
        ProjectionBuffer.Poll poll = ProjectionBuffer.Poll.of(batch, firstAccepted);
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
        ProjectionBuffer.Poll poll = ProjectionBuffer.Poll.of(first, firstAccepted);
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

    FirstAccepted firstAccepted() {
        return firstAccepted;
    }

    ConflictRows conflictRows() {
        return conflictRows;
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
    WriteResult count(ProjectionBuffer.Counts counts, ConflictCounts conflicts) {
        conflicts.swaps().forEach((kind, n) -> Counter.builder("ledger.version.swaps")
                .description("Counted versions replaced by one accepted earlier and read later")
                .tag("kind", ProjectionSql.USAGE_KIND.equals(kind) ? "usage" : "adjustment")
                .register(registry).increment(n));
        conflicts.fields().forEach((field, n) -> Counter.builder("ledger.resend.conflicts")
                .description("Resends whose caller-sent fields differ from the counted version, per differing field")
                .tag("field", field)
                .register(registry).increment(n));
        pastHorizon.increment(conflicts.pastHorizon());
        WriteResult result = new WriteResult(counts.newUsage(), counts.usageEvents() - counts.newUsage(),
                counts.newAdjustments(), counts.adjustmentEvents() - counts.newAdjustments(), counts.statsRows());
        newUsage.increment(result.newUsage());
        duplicateUsage.increment(result.duplicateUsage());
        newAdjustments.increment(result.newAdjustments());
        duplicateAdjustments.increment(result.duplicateAdjustments());
        return result;
    }
}
