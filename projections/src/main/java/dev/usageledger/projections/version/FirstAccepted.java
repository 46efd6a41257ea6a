package dev.usageledger.projections.version;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which of two versions of one id counts (CONTRACT §1, "Which version is first accepted"): the one relay-api
 * accepted first ({@code receivedAt}), ties broken by the smaller {@linkplain CallerFields#fingerprint fingerprint}
 * (unsigned bytes), so every consumer, in every reading order, keeps the same one. A version that counts is replaced
 * only by an earlier one accepted within {@code horizon} of it; a version without {@code receivedAt} is never ordered
 * (it neither replaces nor is replaced). Pure and thread-safe.
 */
public final class FirstAccepted {

    /** What to do with a version read after {@code counted} for the same id. */
    public enum Outcome {
        /** The same caller-sent fields: a plain duplicate, nothing recorded. */
        DUPLICATE,
        /** Different and earlier, within the horizon: it replaces the counted version. */
        SWAP,
        /** Different, later (or unordered): recorded as a conflict, the counted version stays. */
        CONFLICT,
        /** Different and earlier, but past the horizon: recorded as a conflict, never swapped. */
        PAST_HORIZON
    }

    /**
     * The decision on a version read after the one that counts, with the caller-sent fields that differ.
     *
     * @param differingFields empty exactly when the outcome is {@link Outcome#DUPLICATE}
     */
    public record Decision(Outcome outcome, List<String> differingFields) {

        /** Whether the version read replaces the counted one. */
        public boolean swaps() {
            return outcome == Outcome.SWAP;
        }
    }

    private final Duration horizon;

    /** @param horizon how far apart two versions' {@code receivedAt} may be for the earlier to replace the later */
    public FirstAccepted(Duration horizon) {
        this.horizon = Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("the swap horizon must be positive, was " + horizon);
        }
    }

    public Duration horizon() {
        return horizon;
    }

    /** Decides on {@code read}, a version of {@code counted}'s id read after it. */
    public Decision decide(LedgerEvent counted, LedgerEvent read) {
        CallerFields countedFields = CallerFields.of(counted);
        CallerFields readFields = CallerFields.of(read);
        List<String> differing = countedFields.differingFields(readFields);
        if (differing.isEmpty()) {
            return new Decision(Outcome.DUPLICATE, differing);
        }
        Instant countedAt = receivedAt(counted);
        Instant readAt = receivedAt(read);
        if (countedAt == null || readAt == null
                || !earlier(readAt, readFields.fingerprint(), countedAt, countedFields.fingerprint())) {
            return new Decision(Outcome.CONFLICT, differing);
        }
        boolean within = Duration.between(readAt, countedAt).compareTo(horizon) <= 0;
        return new Decision(within ? Outcome.SWAP : Outcome.PAST_HORIZON, differing);
    }

    /** Whether version a was accepted before version b: earlier {@code receivedAt}, then smaller fingerprint. */
    static boolean earlier(Instant aAt, byte[] aFingerprint, Instant bAt, byte[] bFingerprint) {
        int byTime = aAt.compareTo(bAt);
        return byTime != 0 ? byTime < 0 : Arrays.compareUnsigned(aFingerprint, bFingerprint) < 0;
    }

    static Instant receivedAt(LedgerEvent e) {
        Instant at = e instanceof UsageRecorded u ? u.receivedAt() : ((CostAdjusted) e).receivedAt();
        // Milliseconds: what the wire form and the ledger keep, so a stored version orders as it did in flight.
        return at == null ? null : at.truncatedTo(ChronoUnit.MILLIS);
    }
}
