package dev.usageledger.cli;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.PricingSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What repricing one counted request with a catalog means: the difference between a fresh pricing
 * ({@link Pricer#assess}, as relay-api prices at ingest, service rates included) and what the request counts at,
 * its stored cost plus the repricings already counted for it; a {@code cost.adjusted} event carrying that difference,
 * signed, real and rated. History is never changed: the difference is added.
 *
 * <p>The adjustment's id is {@value #ID_PREFIX} and 32 hex digits of a SHA-256 of the request id, the catalog's
 * version and the ids of the repricings already counted for the request. Running the same repricing again therefore
 * emits nothing new: once its adjustment is counted the difference is zero, and until then it emits the same id,
 * which the consumer's claims count once. Repricing with another catalog, or back to an earlier one after another, is
 * a new id. Its {@code occurredAt} is the request's, so it falls into the request's buckets; it names the request
 * ({@code requestId}, schema version 2), its account and model. Pure and thread-safe.
 */
final class Repricing {

    /** Every repricing adjustment's id starts so; no other adjustment's id should. */
    static final String ID_PREFIX = "reprice:";
    static final String REQUESTED_BY = "ledger-cli reprice";

    /** What repricing one request gives. */
    sealed interface Outcome permits Unchanged, Unpriced, Adjust {}

    /** The request counts at the fresh price already. */
    record Unchanged() implements Outcome {}

    /** The catalog has no price for the request's model: listed, never adjusted. */
    record Unpriced() implements Outcome {}

    /** The adjustment that brings the request to the fresh price. */
    record Adjust(CostAdjusted adjustment) implements Outcome {}

    /** A repricing adjustment counted before for a request. */
    record Prior(String adjustmentId, BigDecimal realUsd, BigDecimal ratedUsd) {}

    private final Pricer pricer;
    private final String catalogVersion;
    private final Instant receivedAt;

    /** @param receivedAt the {@code receivedAt} of every adjustment: when this run started */
    Repricing(Pricer pricer, Instant receivedAt) {
        this.pricer = pricer;
        this.catalogVersion = pricer.catalog().version();
        this.receivedAt = receivedAt;
    }

    String catalogVersion() {
        return catalogVersion;
    }

    /** @param prior the repricings counted for this request, in any order */
    Outcome reprice(LedgerRequest r, List<Prior> prior) {
        AssessedCost fresh = pricer.assess(r.apiKeyId(), r.accountType(), r.model(), r.usage(), r.serviceTier());
        if (fresh.source() == PricingSource.UNPRICED) {
            return new Unpriced();
        }
        BigDecimal real = fresh.realUsd().subtract(r.realUsd());
        BigDecimal rated = fresh.ratedUsd().subtract(r.ratedUsd());
        for (Prior p : prior) {
            real = real.subtract(p.realUsd());
            rated = rated.subtract(p.ratedUsd());
        }
        if (real.signum() == 0 && rated.signum() == 0) {
            return new Unchanged();
        }
        return new Adjust(new CostAdjusted(LedgerEvent.CURRENT_SCHEMA_VERSION, adjustmentId(r.requestId(), prior),
                r.occurredAt(), r.apiKeyId(), r.accountId(), r.model(), real.stripTrailingZeros(),
                rated.stripTrailingZeros(), "reprice to catalog " + catalogVersion, REQUESTED_BY, receivedAt,
                r.requestId()));
    }

    private String adjustmentId(String requestId, List<Prior> prior) {
        StringBuilder text = new StringBuilder(requestId).append('\n').append(catalogVersion);
        prior.stream().map(Prior::adjustmentId).sorted().forEach(id -> text.append('\n').append(id));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return ID_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
