package dev.usageledger.relayapi.pricing;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.projections.pricing.CatalogReloader;
import dev.usageledger.projections.pricing.InvalidPricingCatalogException;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.ServiceRates;
import dev.usageledger.relayapi.config.PricingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The catalog in force and the pricer that prices each request without a relay-sent cost at ingest. */
@Configuration(proxyBeanMethods = false)
public class PricingConfiguration {

    @Bean
    ActiveCatalog activeCatalog(PricingProperties pricing, Clock clock, MeterRegistry registry) {
        if (pricing.catalogFile() == null) {
            return ActiveCatalog.fixed(PricingCatalog.bundled(), registry);
        }
        try {
            return ActiveCatalog.polled(
                    CatalogReloader.load(pricing.catalogFile(), clock), pricing.reloadInterval(), registry);
        } catch (InvalidPricingCatalogException e) {
            throw new InvalidSettingException("ledger.pricing.catalog-path", "holds an invalid catalog: " + e.getMessage());
        }
    }

    @Bean
    Pricer pricer(ActiveCatalog catalog, PricingProperties pricing, MeterRegistry registry) {
        return new Pricer(catalog, new ServiceRates(pricing.serviceRates(), pricing.keyRates()), registry);
    }
}
