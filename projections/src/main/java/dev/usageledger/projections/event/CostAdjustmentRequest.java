package dev.usageledger.projections.event;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated {@code POST /v1/cost-adjustments} body (CONTRACT §2); {@code model} defaults to {@code *}.
 *
 * @param requestId the request this adjustment corrects, or {@code null} (an addition to CONTRACT §2, optional)
 */
public record CostAdjustmentRequest(
        String adjustmentId,
        Instant occurredAt,
        String apiKeyId,
        String accountId,
        String model,
        BigDecimal realUsd,
        BigDecimal ratedUsd,
        String reason,
        String requestId) {

    /** The event this request becomes, once accepted by {@code requestedBy} at {@code receivedAt}. */
    public CostAdjusted toEvent(String requestedBy, Instant receivedAt) {
        return new CostAdjusted(LedgerEvent.CURRENT_SCHEMA_VERSION, adjustmentId, occurredAt, apiKeyId, accountId,
                model, realUsd, ratedUsd, reason, requestedBy, receivedAt, requestId);
    }
}
