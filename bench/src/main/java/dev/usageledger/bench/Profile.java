package dev.usageledger.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/** When the generated events happened: what decides how well a batch folds. */
public enum Profile {

    /** Live traffic: timestamps in order over the last {@link #LIVE_SPAN} (a batch spans seconds, one hour bucket). */
    LIVE,
    /** A backfill: timestamps at random over the last {@link #BACKFILL_SPAN}, in no order. */
    BACKFILL;

    public static final Duration LIVE_SPAN = Duration.ofMinutes(10);
    public static final Duration BACKFILL_SPAN = Duration.ofDays(30);

    /** When event {@code index} of {@code count} happened, all before {@code now}. */
    Instant occurredAt(Instant now, long index, long count, SplittableRandom random) {
        return switch (this) {
            case LIVE -> now.minusMillis(LIVE_SPAN.toMillis() - LIVE_SPAN.toMillis() * index / Math.max(1, count));
            case BACKFILL -> now.minusMillis(1 + random.nextLong(BACKFILL_SPAN.toMillis() - 60_000));
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
