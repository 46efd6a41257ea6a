package dev.usageledger.relayapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.relayapi.RelayApiConfiguration;
import dev.usageledger.relayapi.pricing.PricingConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Bad settings fail the start with a message naming the property, as Spring Boot binds them: relay-api's own records
 * and the shared {@link LedgerSettings} as {@link RelayApiConfiguration} binds it.
 */
class SettingsValidationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({IngestProperties.class, RelayKafkaProperties.class, PricingProperties.class,
            SecurityProperties.class, RedisProperties.class})
    @Import({RelayApiConfiguration.class, PricingConfiguration.class})
    static class Settings {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class)
            .withPropertyValues("ledger.security.relay-tokens=node-1:abcdefghijklmnop");

    @Test
    void bindsTheDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            IngestProperties ingest = context.getBean(IngestProperties.class);
            assertThat(ingest.maxBodyBytes()).isEqualTo(1_048_576);
            assertThat(ingest.maxEvents()).isEqualTo(1000);
            assertThat(ingest.publishTimeout()).hasSeconds(10);
            LedgerSettings ledger = context.getBean(LedgerSettings.class);
            assertThat(ledger).isEqualTo(LedgerSettings.defaults());
            assertThat(ledger.ingest().maxEventAge()).hasDays(30);
            assertThat(ledger.kafka().topic()).isEqualTo("usage-events");
            assertThat(ledger.kafka().deadLetterTopic()).isEqualTo("usage-events.DLT");
            assertThat(ledger.kafka().partitions()).isEqualTo(6);
            assertThat(ledger.kafka().replicationFactor()).isEqualTo((short) 1);
            assertThat(context.getBean(RelayKafkaProperties.class).transactionIdPrefix()).startsWith("relay-api-");
            RedisProperties redis = context.getBean(RedisProperties.class);
            assertThat(redis.timeout()).hasMillis(500);
            assertThat(redis.poolSize()).isEqualTo(32);
            assertThat(context.getBean(PricingProperties.class).catalogPath()).isNull();
            assertThat(context.getBean(PricingProperties.class).reloadInterval()).hasSeconds(30);
        });
    }

    @Test
    void bindsTheSharedSettingsFromPropertiesAndEnvironmentVariables() {
        runner.withPropertyValues("ledger.kafka.topic=orders", "ledger.kafka.partitions=12",
                        "ledger.ingest.max-event-age=7d", "ledger.redis.uri=rediss://cache:6380",
                        "ledger.redis.timeout=250ms")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment",
                                Map.of("LEDGER_REPORTING_ZONE", "Asia/Shanghai"))))
                .run(context -> {
                    LedgerSettings ledger = context.getBean(LedgerSettings.class);
                    assertThat(ledger.kafka().topic()).isEqualTo("orders");
                    assertThat(ledger.kafka().deadLetterTopic()).isEqualTo("orders.DLT");
                    assertThat(ledger.kafka().partitions()).isEqualTo(12);
                    assertThat(ledger.ingest().maxEventAge()).hasDays(7);
                    assertThat(ledger.redis().uri().getHost()).isEqualTo("cache");
                    assertThat(ledger.reporting().zone()).isEqualTo("Asia/Shanghai");
                    assertThat(context.getBean(RedisProperties.class).timeout()).hasMillis(250);
                });
    }

    @Test
    void bindsTheRelayTokensFromTheEnvironmentVariableName() {
        new ApplicationContextRunner().withUserConfiguration(Settings.class)
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment",
                                Map.of("LEDGER_SECURITY_RELAYTOKENS", "node-9:abcdefghijklmnop"))))
                .run(context -> assertThat(context.getBean(SecurityProperties.class).relays())
                        .singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("node-9")));
    }

    @Test
    void bindsServiceAndKeyRatesIncludingKeysWithDots() {
        runner.withPropertyValues("ledger.pricing.service-rates.claude=1.2",
                        "ledger.pricing.key-rates.[key.7f3a].claude=0.8")
                .run(context -> {
                    PricingProperties pricing = context.getBean(PricingProperties.class);
                    assertThat(pricing.serviceRates().get("claude")).isEqualByComparingTo("1.2");
                    assertThat(pricing.keyRates().get("key.7f3a").get("claude")).isEqualByComparingTo("0.8");
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "ledger.security.relay-tokens, node-1:short",
            "ledger.security.admin-tokens, 'ops:abc,def'",
            "ledger.ingest.max-body-bytes, 0",
            "ledger.ingest.max-events, 0",
            "ledger.ingest.publish-timeout, 0s",
            "ledger.ingest.max-event-age, -1d",
            "ledger.ingest.publish-concurrency, 0",
            "ledger.kafka.topic, bad topic",
            "ledger.kafka.partitions, 0",
            "ledger.kafka.replication-factor, 0",
            "ledger.kafka.dead-letter-topic, usage-events",
            "ledger.kafka.health-timeout, 0s",
            "ledger.kafka.limits-topic, usage-events.DLT",
            "ledger.reporting.zone, Mars/Base",
            "ledger.redis.uri, http://127.0.0.1:6379",
            "ledger.redis.timeout, 31s",
            "ledger.redis.pool-size, 0",
            "ledger.pricing.catalog-path, /no/such/catalog.json",
            "ledger.pricing.reload-interval, 0s",
            "ledger.pricing.service-rates.claude, -1",
    })
    void failsTheStartNamingTheProperty(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure())).contains(property);
        });
    }

    private static String rootMessage(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
