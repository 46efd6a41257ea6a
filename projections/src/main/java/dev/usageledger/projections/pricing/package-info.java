/**
 * Pricing: what a request costs in USD, from a LiteLLM-format price catalog.
 *
 * <p>The pricing formula lives in exactly one place, {@link dev.usageledger.projections.pricing.CostCalculator};
 * price resolution (fallbacks, service tier, long-context tier) lives in
 * {@link dev.usageledger.projections.pricing.ModelPrice}; the service multipliers that turn a real cost into a
 * rated cost live in {@link dev.usageledger.projections.pricing.ServiceRates}. {@link
 * dev.usageledger.projections.pricing.Pricer} ties them together and counts unpriced models.
 *
 * <p>Money is {@link java.math.BigDecimal} throughout; no {@code double} or {@code float} touches a price. Nothing in
 * this package reads a clock, and nothing imports Spring. Every type is immutable and safe to share between threads.
 */
package dev.usageledger.projections.pricing;
