package dev.usageledger.projections.pricing;

import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.ModelNames;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Real and rated cost of a request in one call, counting requests whose model has no price.
 *
 * <p>Every request priced {@link PricingSource#UNPRICED} increments the counter {@value #UNPRICED_METRIC} (Prometheus:
 * {@code ledger_pricing_unpriced_total}) tagged {@code model} with the normalised name ({@code "none"} when absent).
 * The tag takes whatever model names clients send, so its cardinality is bounded only by the relay's model allow-list.
 *
 * <p>The catalog comes from a supplier (a {@link CatalogReloader} when the file is polled): each call of {@link
 * #assess} takes it once, so a request is priced by exactly one catalog version, the one its cost records. Thread-safe.
 */
public final class Pricer {

    /** Micrometer name of the unpriced-request counter. */
    public static final String UNPRICED_METRIC = "ledger.pricing.unpriced";

    private final Supplier<PricingCatalog> catalogs;
    private final ServiceRates rates;
    private final MeterRegistry registry;

    /**
     * @param catalogs the catalog in force, asked once per request
     * @param rates service multipliers
     * @param registry where the unpriced counter goes; {@code null} counts nothing
     */
    public Pricer(Supplier<PricingCatalog> catalogs, ServiceRates rates, MeterRegistry registry) {
        this.catalogs = Objects.requireNonNull(catalogs, "catalogs");
        this.rates = Objects.requireNonNull(rates, "rates");
        this.registry = registry;
    }

    /** A pricer with one fixed catalog. */
    public Pricer(PricingCatalog catalog, ServiceRates rates, MeterRegistry registry) {
        this(fixed(catalog), rates, registry);
    }

    /** The catalog in force now. */
    public PricingCatalog catalog() {
        return catalogs.get();
    }

    /**
     * Prices one request and applies the service rates: a cost with a breakdown, from the catalog or unpriced at 0.
     *
     * @param apiKeyId the API key, for its per-key rates
     * @param accountType the upstream account type (CRS names), mapped to a service by {@link ServiceRates#serviceOf}
     * @param normalisedModel the model after {@link ModelNames#normalise}
     * @param usage token counts
     * @param serviceTier upstream service tier, or {@code null}
     */
    public AssessedCost assess(
            String apiKeyId, String accountType, String normalisedModel, TokenUsage usage, String serviceTier) {
        AssessedCost cost = new CostCalculator(catalogs.get()).price(normalisedModel, usage, serviceTier);
        if (cost.source() == PricingSource.UNPRICED && registry != null) {
            Counter.builder(UNPRICED_METRIC)
                    .description("Requests whose model has no price in the pricing catalog; priced 0")
                    .tag("model", normalisedModel == null ? "none" : normalisedModel)
                    .register(registry)
                    .increment();
        }
        String service = ServiceRates.serviceOf(accountType, normalisedModel);
        BigDecimal rated = rates.rated(cost.realUsd(), apiKeyId, service);
        return cost.rated(rated);
    }

    private static Supplier<PricingCatalog> fixed(PricingCatalog catalog) {
        Objects.requireNonNull(catalog, "catalog");
        return () -> catalog;
    }
}
