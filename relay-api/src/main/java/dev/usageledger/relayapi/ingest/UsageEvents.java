package dev.usageledger.relayapi.ingest;

import dev.usageledger.projections.event.AssessedCost;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.event.UsageReport;
import dev.usageledger.projections.pricing.Assessment;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingSource;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Turns validated reports into {@code usage.recorded} events, freezing their cost: the relay's own figures when it
 * sent them (source {@code relay}, no breakdown), else the catalog's (source {@code catalog}, or {@code unpriced} at 0
 * for a model the catalog does not know). Pure apart from the pricer's unpriced counter; thread-safe.
 */
public final class UsageEvents {

    private final Pricer pricer;

    public UsageEvents(Pricer pricer) {
        this.pricer = Objects.requireNonNull(pricer, "pricer");
    }

    /** The events of one accepted batch, in batch order. */
    public List<UsageRecorded> record(List<UsageReport> reports, String relayId, Instant receivedAt) {
        return reports.stream().map(r -> record(r, relayId, receivedAt)).toList();
    }

    public UsageRecorded record(UsageReport r, String relayId, Instant receivedAt) {
        return new UsageRecorded(
                LedgerEvent.CURRENT_SCHEMA_VERSION,
                r.requestId(),
                r.occurredAt(),
                r.apiKeyId(),
                r.accountId(),
                r.accountType(),
                r.model(),
                r.reportedModel(),
                r.usage(),
                r.serviceTier(),
                r.longContext(),
                r.endpoint(),
                r.statusCode(),
                r.stream(),
                r.durationMs(),
                relayId,
                receivedAt,
                cost(r));
    }

    private AssessedCost cost(UsageReport r) {
        String version = pricer.catalog().version();
        if (r.relayPriced()) {
            return new AssessedCost(r.relayRealUsd(), r.relayRatedUsd(), null, PricingSource.RELAY, version);
        }
        Assessment a = pricer.assess(r.apiKeyId(), r.accountType(), r.model(), r.usage(), r.serviceTier(),
                r.longContext());
        return new AssessedCost(a.realUsd(), a.ratedUsd(), a.breakdown(), a.source(), a.pricingVersion());
    }
}
