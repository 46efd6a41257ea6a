package dev.usageledger.consumer;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When polls are gathered into one MySQL transaction, and when it commits. Pure; time is the injected
 * monotonic clock.
 *
 * <p>Only a full poll (as many records as {@code max-poll-records}: the consumer is behind) opens or extends a
 * gathering transaction, so a consumer that keeps up commits every poll as before and freshness is unchanged.
 * A gathering transaction commits after a poll that was not full (caught up), when one more full poll could
 * exceed {@code maxEvents}, or once it has been open for {@code maxDelay}.
 */
final class TransactionBudget {

    private final int maxPollRecords;
    private final int maxEvents;
    private final long maxDelayNanos;
    private final LongSupplier nanoTime;

    TransactionBudget(int maxPollRecords, int maxEvents, Duration maxDelay, LongSupplier nanoTime) {
        this.maxPollRecords = maxPollRecords;
        this.maxEvents = maxEvents;
        this.maxDelayNanos = maxDelay.toNanos();
        this.nanoTime = nanoTime;
    }

    static TransactionBudget of(ConsumerSettings.Consumer settings, LongSupplier nanoTime) {
        return new TransactionBudget(settings.maxPollRecords(), settings.transactionMaxEvents(),
                settings.transactionMaxDelay(), nanoTime);
    }

    /** Now, on the budget's clock: when a transaction opens. */
    long now() {
        return nanoTime.getAsLong();
    }

    /** Whether a poll of this many records may be gathered with the next ones (the consumer is behind). */
    boolean gathers(int pollRecords) {
        return pollRecords >= maxPollRecords && maxEvents >= 2L * maxPollRecords;
    }

    /** Whether a transaction opened at {@code openedAt}, holding {@code events}, commits after a poll of {@code pollRecords}. */
    boolean due(long openedAt, int events, int pollRecords) {
        return !gathers(pollRecords) || (long) events + maxPollRecords > maxEvents || expired(openedAt);
    }

    /** Whether a transaction opened at {@code openedAt} has been open for the longest time allowed. */
    boolean expired(long openedAt) {
        return nanoTime.getAsLong() - openedAt >= maxDelayNanos;
    }
}
