package dev.usageledger.projections.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The real (list-price) USD cost of one request.
 *
 * @param realUsd the exact sum of all token classes, rounded once to 10 fraction digits (HALF_EVEN)
 * @param breakdown the per-class costs, each rounded to 10 fraction digits for display
 * @param source {@link PricingSource#CATALOG} or, for a model the catalog does not know, {@link PricingSource#UNPRICED}
 *     with every amount 0
 * @param pricingVersion {@link PricingCatalog#version()} of the catalog used, also for unpriced requests
 */
public record PricedCost(BigDecimal realUsd, CostBreakdown breakdown, PricingSource source, String pricingVersion) {

    public PricedCost {
        Objects.requireNonNull(realUsd, "realUsd");
        Objects.requireNonNull(breakdown, "breakdown");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pricingVersion, "pricingVersion");
    }
}
