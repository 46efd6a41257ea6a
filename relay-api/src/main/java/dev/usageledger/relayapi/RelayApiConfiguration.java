package dev.usageledger.relayapi;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.InputRules;
import dev.usageledger.projections.ingest.Ingest;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.common.LedgerSettings;
import dev.usageledger.relayapi.config.IngestProperties;
import dev.usageledger.relayapi.config.SecurityProperties;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.MonotonicInstants;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.relayapi.web.RequestBodies;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The framework-free domain pieces from {@code projections}, wired with the typed settings. */
@Configuration(proxyBeanMethods = false)
public class RelayApiConfiguration {

    /** The service's only source of time; tests replace it. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The contract settings shared with the other apps; a bad one fails the boot naming the property. */
    @Bean
    LedgerSettings ledgerSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate(LedgerSettings.PREFIX, LedgerSettings.class);
    }

    @Bean
    Ingest ingest(IngestProperties ingest, LedgerSettings ledger, Pricer pricer, Clock clock) {
        InputRules rules = new InputRules(ledger.ingest().maxEventAge(), IngestProperties.MAX_CLOCK_SKEW,
                ingest.maxEvents());
        return new Ingest(rules, pricer, new EventCodec(), new MonotonicInstants(clock));
    }

    @Bean
    BearerTokens bearerTokens(SecurityProperties security) {
        return new BearerTokens(security.tokens());
    }

    @Bean
    RequestBodies requestBodies(IngestProperties ingest) {
        return new RequestBodies(ingest.maxBodyBytes());
    }

    @Bean
    IngestMetrics ingestMetrics(MeterRegistry registry) {
        return new IngestMetrics(registry);
    }
}
