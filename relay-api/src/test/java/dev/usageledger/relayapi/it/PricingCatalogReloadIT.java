package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.batch;
import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static dev.usageledger.fixtures.IngestJson.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.pricing.PricingCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A relay-api whose catalog is a file polled every 200 ms: rewriting the file reprices the next requests, each
 * recording the version that priced it; a broken file is refused and counted while pricing goes on with the catalog in
 * force. Its own context (another catalog), on the shared embedded stack.
 */
class PricingCatalogReloadIT extends LiveKafkaContext {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    /** The fixture's event: 1200 input tokens; every other class priced 0, so the cost is 1200 × the input price. */
    private static final String ONE_DOLLAR = catalog("1e-06");
    private static final String TWO_DOLLARS = catalog("2e-06");
    private static final Path FILE = createCatalogFile();

    @DynamicPropertySource
    static void pricing(DynamicPropertyRegistry registry) {
        registry.add("ledger.pricing.catalog-path", FILE::toString);
        registry.add("ledger.pricing.reload-interval", () -> "200ms");
    }

    @Test
    void aRewrittenFilePricesLaterEventsAndABrokenOneIsRefusedWhilePricingContinues() {
        String first = priceOneEvent();
        assertThat(first).isEqualTo("0.0012000000 " + versionOf(ONE_DOLLAR));
        assertThat(scrape()).contains("ledger_pricing_catalog_models{application=\"relay-api\"} 1");

        replaceFile(TWO_DOLLARS);
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
                .contains("ledger_pricing_catalog_info{application=\"relay-api\",version=\"" + versionOf(TWO_DOLLARS)
                        + "\"} 1")
                .doesNotContain(versionOf(ONE_DOLLAR))
                .containsPattern(counter("loaded", "[1-9]")));

        assertThat(priceOneEvent()).isEqualTo("0.0024000000 " + versionOf(TWO_DOLLARS));

        double refusedBefore = refusedCount();
        replaceFile("{\"" + MODEL + "\": {\"input_cost_per_token\": \"three dollars\"}}");
        await().atMost(WAIT).until(() -> refusedCount() == refusedBefore + 1);

        assertThat(priceOneEvent()).as("the catalog in force stays").isEqualTo("0.0024000000 " + versionOf(TWO_DOLLARS));
        assertThat(scrape()).contains("version=\"" + versionOf(TWO_DOLLARS) + "\"} 1");
    }

    /** Posts one event of the fixture and answers its published real cost and pricing version. */
    private String priceOneEvent() {
        String key = uniqueId("key");
        assertThat(api.post("/v1/usage-events", RELAY_TOKEN, batch(usage(uniqueId("req"), key))).status())
                .isEqualTo(202);
        UsageRecorded event = (UsageRecorded) published(1, key).get(0).event();
        return event.cost().realUsd().toPlainString() + " " + event.cost().pricingVersion();
    }

    private String scrape() {
        Api.Answer answer = api.get("/actuator/prometheus");
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }

    private double refusedCount() {
        var matcher = Pattern.compile(counter("refused", "([0-9.E]+)")).matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String counter(String outcome, String value) {
        return "ledger_pricing_catalog_reloads_total\\{application=\"relay-api\",outcome=\"" + outcome + "\"} "
                + value;
    }

    private static String catalog(String inputPrice) {
        return "{\"" + MODEL + "\": {\"input_cost_per_token\": " + inputPrice + ", \"output_cost_per_token\": 0,"
                + " \"cache_creation_input_token_cost\": 0, \"cache_creation_input_token_cost_above_1hr\": 0,"
                + " \"cache_read_input_token_cost\": 0, \"litellm_provider\": \"anthropic\", \"mode\": \"chat\"}}";
    }

    private static String versionOf(String json) {
        return PricingCatalog.parse(json.getBytes(StandardCharsets.UTF_8), "test").version();
    }

    private static Path createCatalogFile() {
        try {
            Path file = Files.createTempDirectory("pricing-reload-it").resolve("prices.json");
            Files.writeString(file, ONE_DOLLAR);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the file in one step, as an operator's {@code mv} does, so no poll reads half of it. */
    private static void replaceFile(String json) {
        try {
            Path next = FILE.resolveSibling("prices.json.next");
            Files.writeString(next, json);
            Files.move(next, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
