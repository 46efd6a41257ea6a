package dev.usageledger.relayapi.pricing;

import dev.usageledger.projections.pricing.CatalogReloader;
import dev.usageledger.projections.pricing.PricingCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The pricing catalog in force in this relay-api: the bundled snapshot, or the file at
 * {@code ledger.pricing.catalog-path}, polled every {@code ledger.pricing.reload-interval} on one daemon thread while
 * the application runs ({@link CatalogReloader} decides what a poll does).
 *
 * <p>Metrics: {@value #INFO_METRIC} {@code {version}} = 1 for the version in force only
 * ({@code ledger_pricing_catalog_info}), {@value #MODELS_METRIC} its model count ({@code ledger_pricing_catalog_models}),
 * and, with a file, {@value #RELOADS_METRIC} {@code {outcome=loaded|refused}}
 * ({@code ledger_pricing_catalog_reloads_total}): each new content of the file counted once.
 */
public final class ActiveCatalog implements Supplier<PricingCatalog>, SmartLifecycle {

    public static final String INFO_METRIC = "ledger.pricing.catalog.info";
    public static final String MODELS_METRIC = "ledger.pricing.catalog.models";
    public static final String RELOADS_METRIC = "ledger.pricing.catalog.reloads";

    private static final Logger log = LoggerFactory.getLogger(ActiveCatalog.class);

    private final Supplier<PricingCatalog> catalogs;
    private final CatalogReloader reloader;
    private final Duration interval;
    private final MultiGauge info;
    private final Counter loaded;
    private final Counter refused;
    private String shownVersion;
    private ScheduledExecutorService poller;

    /** The bundled snapshot, never reloaded. */
    public static ActiveCatalog fixed(PricingCatalog catalog, MeterRegistry registry) {
        Objects.requireNonNull(catalog, "catalog");
        return new ActiveCatalog(() -> catalog, null, null, registry);
    }

    /** The catalog of {@code reloader}, polled every {@code interval} while running. */
    public static ActiveCatalog polled(CatalogReloader reloader, Duration interval, MeterRegistry registry) {
        return new ActiveCatalog(reloader, reloader, Objects.requireNonNull(interval, "interval"), registry);
    }

    private ActiveCatalog(
            Supplier<PricingCatalog> catalogs, CatalogReloader reloader, Duration interval, MeterRegistry registry) {
        this.catalogs = catalogs;
        this.reloader = reloader;
        this.interval = interval;
        this.info = MultiGauge.builder(INFO_METRIC)
                .description("The pricing catalog version in force (content hash), always 1")
                .register(registry);
        Gauge.builder(MODELS_METRIC, this, active -> active.get().models().size())
                .description("Models in the pricing catalog in force")
                .register(registry);
        this.loaded = reloads(registry, "loaded");
        this.refused = reloads(registry, "refused");
        showVersion();
    }

    /** The catalog in force now. */
    @Override
    public PricingCatalog get() {
        return catalogs.get();
    }

    /** Polls the file once, if there is one; what the scheduled poll runs. */
    void poll() {
        if (reloader == null) {
            return;
        }
        switch (reloader.poll()) {
            case LOADED -> loaded.increment();
            case REFUSED -> refused.increment();
            case UNCHANGED -> { }
        }
        showVersion();
    }

    @Override
    public synchronized void start() {
        if (reloader == null || poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pricing-catalog-poll");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
        log.info("polling pricing catalog {} every {}", reloader.file(), interval);
    }

    @Override
    public synchronized void stop() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return poller != null;
    }

    /** A failed poll must not end the schedule (an uncaught exception would cancel it). */
    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("pricing catalog poll failed; the catalog in force stays", e);
        }
    }

    private synchronized void showVersion() {
        String version = get().version();
        if (!version.equals(shownVersion)) {
            info.register(List.of(MultiGauge.Row.of(Tags.of("version", version), 1)), true);
            shownVersion = version;
        }
    }

    private static Counter reloads(MeterRegistry registry, String outcome) {
        return Counter.builder(RELOADS_METRIC)
                .description("New contents of the pricing catalog file, loaded or refused")
                .tag("outcome", outcome)
                .register(registry);
    }
}
