package dev.usageledger.projections.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code cost.adjusted}: a signed correction of cost (a credit, a repricing), never of tokens.
 * History is never updated; adjustments are added. {@code adjustmentId} is the idempotency key.
 *
 * @param model       the model the adjustment concerns, {@code *} when it concerns none in particular
 * @param requestedBy name of the admin token that posted it
 * @param requestId   since schema version 2: the {@code usage.recorded} request this adjustment corrects (a repricing
 *                    of that request); {@code null} when it corrects none in particular, and for every version 1
 *                    event ({@link EventUpcaster})
 */
public record CostAdjusted(
        int schemaVersion,
        String adjustmentId,
        Instant occurredAt,
        String apiKeyId,
        String accountId,
        String model,
        BigDecimal realUsd,
        BigDecimal ratedUsd,
        String reason,
        String requestedBy,
        Instant receivedAt,
        String requestId) implements LedgerEvent {

    public static final String TYPE = "cost.adjusted";
    public static final String ANY_MODEL = "*";

    public CostAdjusted {
        Objects.requireNonNull(adjustmentId, "adjustmentId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(realUsd, "realUsd");
        Objects.requireNonNull(ratedUsd, "ratedUsd");
    }

    /** An adjustment that corrects no request in particular. */
    public CostAdjusted(int schemaVersion, String adjustmentId, Instant occurredAt, String apiKeyId, String accountId,
            String model, BigDecimal realUsd, BigDecimal ratedUsd, String reason, String requestedBy,
            Instant receivedAt) {
        this(schemaVersion, adjustmentId, occurredAt, apiKeyId, accountId, model, realUsd, ratedUsd, reason,
                requestedBy, receivedAt, null);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String eventId() {
        return adjustmentId;
    }
}
