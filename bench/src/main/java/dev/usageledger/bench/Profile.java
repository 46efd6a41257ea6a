package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** When the generated events happened: what decides how well a batch folds. */
public enum Profile {

    /** Live traffic: timestamps in order over the last {@link #LIVE_SPAN} (a batch spans seconds, one hour bucket). */
    LIVE,
    /** A backfill: timestamps at random over the last {@link #BACKFILL_SPAN}, in no order. */
    BACKFILL;

    public static final Duration LIVE_SPAN = Duration.ofMinutes(10);
    public static final Duration BACKFILL_SPAN = Duration.ofDays(30);

    /** When the events happened, all before {@code now}. */
    public UsageTraffic.Timeline timeline(Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.MILLIS);
        return switch (this) {
            case LIVE -> UsageTraffic.Timeline.spread(end.minus(LIVE_SPAN), end);
            case BACKFILL -> (index, count, random) ->
                    end.minusMillis(1 + random.nextLong(BACKFILL_SPAN.toMillis() - 60_000));
        };
    }

    /**
     * {@code count} events of this profile with the bench's mix options: {@code keys} API keys, the first
     * {@code models} of the six models, {@code accountsPerProvider} upstream accounts per provider and one more for
     * Claude, {@code cacheReadPercent}% of Claude requests reading the prompt cache; ending at {@code now}.
     */
    public UsageTraffic traffic(long count, int keys, int models, int accountsPerProvider, int cacheReadPercent,
            long seed, Instant now) {
        UsageTraffic.Mix mix = new UsageTraffic.Mix(keys, models, accountsPerProvider + 1, accountsPerProvider,
                cacheReadPercent, 0);
        return new UsageTraffic(mix, seed, count, timeline(now), "bench-" + label() + "-" + Long.toString(seed, 36)
                + "-");
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
