package dev.usageledger.projections.event;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage event as a relay reported it, after validation and before pricing (CONTRACT §1).
 * {@code model} is already normalised; {@code relayRealUsd}/{@code relayRatedUsd} are both present
 * (the relay priced it) or both {@code null} (the service prices it).
 */
public record UsageReport(
        String requestId,
        Instant occurredAt,
        String apiKeyId,
        String accountId,
        String accountType,
        String model,
        String reportedModel,
        TokenUsage usage,
        String serviceTier,
        boolean longContext,
        String endpoint,
        Integer statusCode,
        Boolean stream,
        Long durationMs,
        BigDecimal relayRealUsd,
        BigDecimal relayRatedUsd) {

    public boolean relayPriced() {
        return relayRealUsd != null;
    }

    /** The event this report becomes, once accepted from relay {@code relayId} at {@code receivedAt} at {@code cost}. */
    public UsageRecorded toEvent(String relayId, Instant receivedAt, AssessedCost cost) {
        return new UsageRecorded(LedgerEvent.CURRENT_SCHEMA_VERSION, requestId, occurredAt, apiKeyId, accountId,
                accountType, model, reportedModel, usage, serviceTier, longContext, endpoint, statusCode, stream,
                durationMs, relayId, receivedAt, cost);
    }
}
