package dev.usageledger.limits;

import java.time.Instant;
import java.util.Objects;

/**
 * One admission decision.
 *
 * @param allowed        whether the relay may call upstream now (always true for a shadow key)
 * @param reason         why it was (or, in shadow mode, would have been) denied; {@code null} when nothing denied
 * @param retryAfterMs   for a 429 reason: how long until the denying counters allow again; 0 otherwise
 * @param leaseId        the concurrency lease granted, {@code null} when the key has no concurrency limit or was denied
 * @param leaseExpiresAt when that lease expires unless renewed
 * @param shadow         the decision was made for a shadow key
 */
public record Admission(boolean allowed, Reason reason, long retryAfterMs, String leaseId, Instant leaseExpiresAt,
        boolean shadow) {

    public Admission {
        if (!allowed) {
            Objects.requireNonNull(reason, "a denial has a reason");
        }
    }
}
