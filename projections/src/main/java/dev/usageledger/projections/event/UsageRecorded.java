package dev.usageledger.projections.event;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.TokenUsage;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code usage.recorded}: one upstream request, as a relay reported it, with the cost assessed at
 * ingest. One immutable fact per {@code requestId}: of several versions with the same {@code requestId} (resends),
 * only the one relay-api accepted first counts, whatever the others carry (CONTRACT §1).
 *
 * <p>Optional fields are {@code null} when the relay did not send them.
 *
 * @param model         normalised model name (region, vendor and version decorations stripped)
 * @param reportedModel the model name exactly as the relay sent it
 * @param relayId       name of the relay token that sent it (the relay node id)
 * @param receivedAt    when relay-api accepted it
 */
public record UsageRecorded(
        int schemaVersion,
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
        String relayId,
        Instant receivedAt,
        AssessedCost cost) implements LedgerEvent {

    public static final String TYPE = "usage.recorded";

    public UsageRecorded {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String eventId() {
        return requestId;
    }
}
