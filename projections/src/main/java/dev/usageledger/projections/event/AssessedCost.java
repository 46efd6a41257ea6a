package dev.usageledger.projections.event;

import dev.usageledger.projections.pricing.CostBreakdown;
import dev.usageledger.projections.pricing.PricingSource;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The cost of one request, frozen when the request was accepted.
 *
 * @param realUsd        upstream list price of the request, rounded once to 10 fraction digits
 * @param ratedUsd       what the key is charged: real × global service rate × key service rate
 * @param breakdown      per token class, for catalog-priced requests; {@code null} when the relay sent the cost
 * @param source         where the figure came from: the catalog, the relay, or nowhere (unpriced, 0)
 * @param pricingVersion content hash of the catalog that priced it (present for every source)
 */
public record AssessedCost(
        BigDecimal realUsd, BigDecimal ratedUsd, CostBreakdown breakdown, PricingSource source, String pricingVersion) {

    public AssessedCost {
        Objects.requireNonNull(realUsd, "realUsd");
        Objects.requireNonNull(ratedUsd, "ratedUsd");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pricingVersion, "pricingVersion");
    }
}
