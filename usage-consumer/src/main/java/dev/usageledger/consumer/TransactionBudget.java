package dev.usageledger.consumer;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When polls are gathered into one MySQL transaction, and when it commits. Pure; time is the injected
 * monotonic clock.
 *
 * <p>Only a full poll (as many records as {@code max-poll-records}) that leaves at least another full poll behind it
 * (the consumer is more than a poll behind: a backlog) opens or extends a gathering transaction, so a consumer that
 * keeps up, or is about to, commits every poll as before and freshness is unchanged. A gathering transaction
 * commits after a poll that was not full or that left less than a full poll behind it (caught up, or caught up at
 * the next poll: waiting for it would only delay what is already read), when one more full poll could exceed
 * {@code maxEvents}, once its polls fold into {@code maxStatsRows} stats rows (they no longer fold together: many
 * keys, or a backfill), or once it has been open for {@code maxDelay}.
 *
 * <p>The backlog is the consumer's own lag after the poll ({@code Consumer.currentLag}, from the last fetch: no
 * request); where it is not known yet ({@value #UNKNOWN}), the poll's size decides alone.
 */
final class TransactionBudget {

    /** The backlog behind a poll when the consumer does not know it yet. */
    static final long UNKNOWN = -1;

    private final int maxPollRecords;
    private final int maxEvents;
    private final long maxDelayNanos;
    private final int maxStatsRows;
    private final LongSupplier nanoTime;

    TransactionBudget(int maxPollRecords, int maxEvents, Duration maxDelay, int maxStatsRows, LongSupplier nanoTime) {
        this.maxPollRecords = maxPollRecords;
        this.maxStatsRows = maxStatsRows;
        this.maxEvents = maxEvents;
        this.maxDelayNanos = maxDelay.toNanos();
        this.nanoTime = nanoTime;
    }

    static TransactionBudget of(ConsumerSettings.Consumer settings, LongSupplier nanoTime) {
        return new TransactionBudget(settings.maxPollRecords(), settings.transactionMaxEvents(),
                settings.transactionMaxDelay(), settings.transactionMaxStatsRows(), nanoTime);
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
     * Whether a transaction opened at {@code openedAt}, holding {@code events} that fold (as far as known: the poll
     * being written may not be counted yet) into {@code statsRows}, commits after a poll of {@code pollRecords} that
     * left {@code backlog} records behind it.
     */
    boolean due(long openedAt, int events, int statsRows, int pollRecords, long backlog) {
        return !gathers(pollRecords, backlog) || (long) events + maxPollRecords > maxEvents
                || statsRows >= maxStatsRows || expired(openedAt);
    }

    /** Whether a transaction opened at {@code openedAt} has been open for the longest time allowed. */
    boolean expired(long openedAt) {
        return nanoTime.getAsLong() - openedAt >= maxDelayNanos;
    }
}
