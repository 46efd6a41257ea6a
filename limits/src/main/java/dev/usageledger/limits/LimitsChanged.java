package dev.usageledger.limits;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code limits.changed}: the limits of {@code apiKeyId} were replaced in {@code key_limits}, the row now carrying
 * {@code updatedAt}. Published by the relay-api instance that wrote the row, after the write committed, on the limits
 * topic (not the usage topic: it is no usage fact and no projection folds it); every relay-api and usage-consumer
 * instance drops its cached copy of the key's limits when it reads one ({@link LimitsChangeReceiver}). Carries no limits: MySQL stays the only truth, so a lost or
 * reordered event can only make an instance serve the old limits until its cache TTL, never wrong ones.
 *
 * @param apiKeyId      the key whose limits changed
 * @param updatedAt     the {@code updated_at} written with the change (the writer's clock)
 * @param schemaVersion the event's schema version ({@link #CURRENT_SCHEMA_VERSION} when written by this version)
 */
public record LimitsChanged(String apiKeyId, Instant updatedAt, int schemaVersion) {

    public static final String TYPE = "limits.changed";
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public LimitsChanged {
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public LimitsChanged(String apiKeyId, Instant updatedAt) {
        this(apiKeyId, updatedAt, CURRENT_SCHEMA_VERSION);
    }
}
