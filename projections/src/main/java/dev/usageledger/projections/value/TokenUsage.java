package dev.usageledger.projections.value;

/**
 * Token counts of one upstream request, as a relay reports them.
 *
 * <p>The four classes {@code input}, {@code output}, {@code cacheCreate} and {@code cacheRead} are
 * disjoint: they add up to all tokens of the request. {@code ephemeral5m} and {@code ephemeral1h}
 * split {@code cacheCreate} by cache lifetime; their sum never exceeds {@code cacheCreate}, and the
 * part not covered by the split is billed as 5-minute writes.
 */
public record TokenUsage(
        long input, long output, long cacheCreate, long ephemeral5m, long ephemeral1h, long cacheRead) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0, 0);

    public TokenUsage {
        if (input < 0 || output < 0 || cacheCreate < 0 || ephemeral5m < 0 || ephemeral1h < 0 || cacheRead < 0) {
            throw new IllegalArgumentException("token counts are never negative");
        }
        if (ephemeral5m + ephemeral1h > cacheCreate) {
            throw new IllegalArgumentException("ephemeral5m + ephemeral1h exceeds cacheCreate");
        }
    }

    /** All tokens of the request: the four disjoint classes added up (what CRS calls "allTokens"). */
    public long total() {
        return input + output + cacheCreate + cacheRead;
    }

    /** Cache-create tokens billed at the 5-minute write price: the 5m split plus whatever the split does not cover. */
    public long cacheWrite5mBilled() {
        return cacheCreate - ephemeral1h;
    }
}
