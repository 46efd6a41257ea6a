/**
 * Pricing: what a request costs in USD, from a LiteLLM-format price catalog.
 *
 * <p>The pricing formula lives in exactly one place, {@link dev.usageledger.projections.pricing.CostCalculator};
 * price resolution (fallbacks, service tier, prompt-size tier) lives in
 * {@link dev.usageledger.projections.pricing.ModelPrice}; the service multipliers that turn a real cost into a
 * rated cost live in {@link dev.usageledger.projections.pricing.ServiceRates}. {@link
 * dev.usageledger.projections.pricing.Pricer} ties them together and counts unpriced models; {@link
 * dev.usageledger.projections.pricing.CatalogReloader} replaces the catalog when its file changes.
 *
 * <p>Money is {@link java.math.BigDecimal} throughout; no {@code double} or {@code float} touches a price. Nothing in
 * this package reads the system clock (the reloader is given one), and nothing imports Spring. Every type is immutable
 * and safe to share between threads, except {@code CatalogReloader}, which is thread-safe and changes only by a poll.
 */
package dev.usageledger.projections.pricing;
