package dev.usageledger.projections.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Real and rated cost of one request, as {@link Pricer#assess} returns it.
 *
 * @param realUsd list-price cost, rounded once to 10 fraction digits
 * @param ratedUsd {@code realUsd} × global service rate × key service rate, rounded to 10 fraction digits
 * @param breakdown per-class real costs, each rounded to 10 fraction digits
 * @param source where the price came from
 * @param pricingVersion {@link PricingCatalog#version()} of the catalog used
 */
public record Assessment(
        BigDecimal realUsd,
        BigDecimal ratedUsd,
        CostBreakdown breakdown,
        PricingSource source,
        String pricingVersion) {

    public Assessment {
        Objects.requireNonNull(realUsd, "realUsd");
        Objects.requireNonNull(ratedUsd, "ratedUsd");
        Objects.requireNonNull(breakdown, "breakdown");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pricingVersion, "pricingVersion");
    }
}
