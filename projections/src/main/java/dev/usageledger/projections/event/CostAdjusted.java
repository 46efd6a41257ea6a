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
        Instant receivedAt) implements LedgerEvent {

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

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String eventId() {
        return adjustmentId;
    }
}
