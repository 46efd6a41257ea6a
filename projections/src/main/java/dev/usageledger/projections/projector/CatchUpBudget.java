package dev.usageledger.projections.projector;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a consumer that is behind gathers polls into one MySQL transaction, and when that transaction commits. Pure;
 * time is the injected monotonic clock.
 *
 * <p>Only a full poll (as many records as {@code max-poll-records}) that leaves at least another full poll behind it
 * (the consumer is more than a poll behind: a backlog) opens or extends a gathering transaction, so a consumer that
 * keeps up, or is about to, commits every poll and freshness is unchanged. A gathering transaction commits after a
 * poll that was not full or that left less than a full poll behind it (caught up, or caught up at the next poll:
 * waiting for it would only delay what is already read), when one more full poll could exceed the budget of
 * {@code maxEvents}, once its polls fold into {@value #MAX_STATS_ROWS} stats rows (they no longer fold together: many
 * keys, or a backfill; one huge upsert at commit is slower than one per poll), or once it has been open for
 * {@link #MAX_OPEN}. A budget of less than two full polls turns gathering off.
 *
 * <p>The backlog is the consumer's own lag after the poll ({@code Consumer.currentLag}, from the last fetch: no
 * request); where it is not known yet ({@value #UNKNOWN}), the poll's size decides alone.
 */
public final class CatchUpBudget {

    /** The backlog behind a poll when the consumer does not know it yet. */
    public static final long UNKNOWN = -1;
    /** Stats rows at which a gathering transaction commits. */
    public static final int MAX_STATS_ROWS = 25_000;
    /** Longest time a gathering transaction stays open. */
    public static final Duration MAX_OPEN = Duration.ofSeconds(10);

    private final int maxPollRecords;
    private final int maxEvents;
    private final long maxOpenNanos;
    private final int maxStatsRows;
    private final LongSupplier nanoTime;

    /**
     * @param maxPollRecords the consumer's {@code max.poll.records}: a full poll
     * @param maxEvents      most events of one gathering transaction
     * @param nanoTime       the monotonic clock ({@code System::nanoTime})
     */
    public CatchUpBudget(int maxPollRecords, int maxEvents, LongSupplier nanoTime) {
        this(maxPollRecords, maxEvents, MAX_OPEN, MAX_STATS_ROWS, nanoTime);
    }

    CatchUpBudget(int maxPollRecords, int maxEvents, Duration maxOpen, int maxStatsRows, LongSupplier nanoTime) {
        if (maxPollRecords < 1 || maxEvents < 1) {
            throw new IllegalArgumentException("max poll records and the budget must be at least 1");
        }
        this.maxPollRecords = maxPollRecords;
        this.maxEvents = maxEvents;
        this.maxOpenNanos = maxOpen.toNanos();
        this.maxStatsRows = maxStatsRows;
        this.nanoTime = nanoTime;
    }

    /** Now, on the budget's clock: when a transaction opens. */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Whether a poll of this many records, leaving {@code backlog} records behind it ({@link #UNKNOWN}: not known),
     * may be gathered with the next ones (the consumer is behind by more than this poll).
     */
    boolean gathers(int pollRecords, long backlog) {
        return pollRecords >= maxPollRecords && (backlog == UNKNOWN || backlog >= maxPollRecords)
                && maxEvents >= 2L * maxPollRecords;
    }

    /**
     * Whether a transaction opened at {@code openedAt}, holding {@code events} that fold into {@code statsRows},
     * commits after a poll of {@code pollRecords} that left {@code backlog} records behind it.
     */
    boolean due(long openedAt, int events, int statsRows, int pollRecords, long backlog) {
        return !gathers(pollRecords, backlog) || (long) events + maxPollRecords > maxEvents
                || statsRows >= maxStatsRows || expired(openedAt);
    }

    /** Whether a transaction opened at {@code openedAt} has been open for the longest time allowed. */
    boolean expired(long openedAt) {
        return nanoTime.getAsLong() - openedAt >= maxOpenNanos;
    }
}
