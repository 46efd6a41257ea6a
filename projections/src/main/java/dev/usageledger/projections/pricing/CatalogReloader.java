package dev.usageledger.projections.pricing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog in force, taken from a file and replaced when the file's content changes.
 *
 * <p>{@link #poll} reads the file and compares its content hash, the catalog {@link PricingCatalog#version version},
 * with the catalog in force. Same content: nothing happens. New content that parses and validates replaces the catalog
 * in one atomic step, so every reader of {@link #get} sees either the old catalog or the new one, whole. New content
 * that does not parse or validate, or a file that cannot be read, is refused: logged at WARN, reported as {@link
 * Outcome#REFUSED}, and the catalog in force stays. The same refused content is refused once; it is not logged or
 * reported again until the file changes.
 *
 * <p>Nothing here schedules itself or sleeps: the caller decides when to poll. The time of each load comes from the
 * injected clock. {@link #poll} is serialised; {@link #get} never blocks.
 */
public final class CatalogReloader implements Supplier<PricingCatalog> {

    /** What one {@link #poll} did. */
    public enum Outcome {
        /** The file's new content is the catalog in force. */
        LOADED,
        /** The file's content is the catalog in force, or was already refused. */
        UNCHANGED,
        /** The file's new content, or the file itself, was refused; the catalog in force stays. */
        REFUSED
    }

    /**
     * A catalog and when it came into force.
     *
     * @param catalog the catalog
     * @param loadedAt the instant it came into force
     */
    public record Loaded(PricingCatalog catalog, Instant loadedAt) {

        public Loaded {
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(loadedAt, "loadedAt");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(CatalogReloader.class);

    private final Path file;
    private final InstantSource clock;
    private final AtomicReference<Loaded> current;
    private String lastRefused;

    /**
     * A reloader whose first catalog is the file's content now.
     *
     * @throws InvalidPricingCatalogException when the file cannot be read or holds no valid catalog
     */
    public static CatalogReloader load(Path file, InstantSource clock) {
        return new CatalogReloader(file, PricingCatalog.fromFile(file), clock);
    }

    /**
     * @param file the file to poll
     * @param initial the catalog in force until the file's content differs from it
     * @param clock the source of {@link Loaded#loadedAt}
     */
    public CatalogReloader(Path file, PricingCatalog initial, InstantSource clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.current = new AtomicReference<>(new Loaded(initial, clock.instant()));
    }

    /** The catalog in force. */
    @Override
    public PricingCatalog get() {
        return current.get().catalog();
    }

    /** The catalog in force and when it came into force. */
    public Loaded loaded() {
        return current.get();
    }

    /** The polled file. */
    public Path file() {
        return file;
    }

    /** Reads the file once and loads its content if it is new and valid. */
    public synchronized Outcome poll() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return refuse("unreadable:" + e, "cannot read " + file + ": " + e);
        }
        String version = PricingCatalog.versionOf(bytes);
        if (version.equals(get().version())) {
            lastRefused = null;
            return Outcome.UNCHANGED;
        }
        if (version.equals(lastRefused)) {
            return Outcome.UNCHANGED;
        }
        PricingCatalog next;
        try {
            next = PricingCatalog.parse(bytes, file.toString());
        } catch (InvalidPricingCatalogException e) {
            return refuse(version, e.getMessage());
        }
        Loaded previous = current.getAndSet(new Loaded(next, clock.instant()));
        lastRefused = null;
        log.info("pricing catalog {} replaced by {} ({} models) from {}",
                previous.catalog().version(), next.version(), next.models().size(), file);
        return Outcome.LOADED;
    }

    private Outcome refuse(String content, String reason) {
        if (content.equals(lastRefused)) {
            return Outcome.UNCHANGED;
        }
        lastRefused = content;
        log.warn("pricing catalog refused, {} stays in force: {}", get().version(), reason);
        return Outcome.REFUSED;
    }
}
