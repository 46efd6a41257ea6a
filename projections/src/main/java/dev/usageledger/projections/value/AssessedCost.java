package dev.usageledger.projections.value;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The cost of one request, frozen when the request is accepted: what the pricing computes and what a
 * {@code usage.recorded} event carries.
 *
 * @param realUsd        upstream list price of the request, rounded once to {@value Usd#SCALE} fraction digits
 * @param ratedUsd       what the key is charged: real × global service rate × key service rate, rounded the same way
 * @param breakdown      per token class, for catalog-priced and unpriced requests; {@code null} when the relay sent
 *                       the cost
 * @param source         where the figure came from: the catalog, the relay, or nowhere (unpriced, 0)
 * @param pricingVersion content hash of the catalog in use (present for every source)
 */
public record AssessedCost(
        BigDecimal realUsd, BigDecimal ratedUsd, CostBreakdown breakdown, PricingSource source, String pricingVersion) {

    public AssessedCost {
        Objects.requireNonNull(realUsd, "realUsd");
        Objects.requireNonNull(ratedUsd, "ratedUsd");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pricingVersion, "pricingVersion");
    }

    /** This cost charged {@code ratedUsd}, all else the same. */
    public AssessedCost rated(BigDecimal ratedUsd) {
        return new AssessedCost(realUsd, ratedUsd, breakdown, source, pricingVersion);
    }
}
