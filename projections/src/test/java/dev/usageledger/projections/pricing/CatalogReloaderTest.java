package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.value.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogReloaderTest {

    private static final String ONE_DOLLAR = """
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 0}}
            """;
    private static final String TWO_DOLLARS = """
            {"m": {"input_cost_per_token": 2e-06, "output_cost_per_token": 0}}
            """;
    private static final TokenUsage MILLION_IN = new TokenUsage(1_000_000, 0, 0, 0, 0, 0);

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private Path file;
    private CatalogReloader reloader;

    @BeforeEach
    void startWithOneDollar() throws Exception {
        file = dir.resolve("prices.json");
        Files.writeString(file, ONE_DOLLAR);
        reloader = CatalogReloader.load(file, clock);
    }

    @Test
    void sameContentChangesNothing() throws Exception {
        PricingCatalog first = reloader.get();
        now.set(now.get().plus(Duration.ofMinutes(1)));
        Files.writeString(file, ONE_DOLLAR);

        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.UNCHANGED);
        assertThat(reloader.get()).isSameAs(first);
        assertThat(reloader.loaded().loadedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    }

    @Test
    void newContentReplacesTheCatalogAndItsVersion() throws Exception {
        String oldVersion = reloader.get().version();
        Pricer pricer = new Pricer(reloader, ServiceRates.NONE, null);
        assertThat(pricer.assess("k", null, "m", MILLION_IN, null).realUsd()).isEqualByComparingTo("1");

        now.set(Instant.parse("2026-12-03T10:05:00Z"));
        Files.writeString(file, TWO_DOLLARS);

        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.LOADED);
        assertThat(reloader.get().version()).isNotEqualTo(oldVersion).isEqualTo(versionOf(TWO_DOLLARS));
        assertThat(reloader.loaded().loadedAt()).isEqualTo(Instant.parse("2026-12-03T10:05:00Z"));
        var cost = pricer.assess("k", null, "m", MILLION_IN, null);
        assertThat(cost.realUsd()).isEqualByComparingTo("2");
        assertThat(cost.pricingVersion()).isEqualTo(reloader.get().version());
    }

    @Test
    void brokenContentIsRefusedOnceAndTheRunningCatalogStays() throws Exception {
        PricingCatalog running = reloader.get();
        Files.writeString(file, "{\"m\": {\"input_cost_per_token\": \"one dollar\"}}");

        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.REFUSED);
        assertThat(reloader.poll()).as("the same refused content is not refused again").isEqualTo(
                CatalogReloader.Outcome.UNCHANGED);
        assertThat(reloader.get()).isSameAs(running);

        Files.writeString(file, "{");
        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.REFUSED);
        Files.writeString(file, "{}");
        assertThat(reloader.poll()).as("a catalog without models").isEqualTo(CatalogReloader.Outcome.REFUSED);
        assertThat(reloader.get()).isSameAs(running);

        Files.writeString(file, TWO_DOLLARS);
        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.LOADED);
        assertThat(reloader.get().version()).isEqualTo(versionOf(TWO_DOLLARS));
    }

    @Test
    void aMissingFileIsRefusedAndTheRunningCatalogStays() throws Exception {
        PricingCatalog running = reloader.get();
        Files.delete(file);

        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.REFUSED);
        assertThat(reloader.poll()).isEqualTo(CatalogReloader.Outcome.UNCHANGED);
        assertThat(reloader.get()).isSameAs(running);

        Files.writeString(file, ONE_DOLLAR);
        assertThat(reloader.poll()).as("back to the content in force").isEqualTo(CatalogReloader.Outcome.UNCHANGED);
        Files.delete(file);
        assertThat(reloader.poll()).as("missing again after it was back").isEqualTo(CatalogReloader.Outcome.REFUSED);
    }

    @Test
    void anInvalidFileAtStartIsAnError() throws Exception {
        Files.writeString(file, "[]");
        assertThatThrownBy(() -> CatalogReloader.load(file, clock)).isInstanceOf(InvalidPricingCatalogException.class);
    }

    private static String versionOf(String json) {
        return PricingCatalog.versionOf(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
