package dev.usageledger.projections.event;

import java.time.Instant;

/**
 * An immutable fact on the {@code usage-events} topic, keyed by {@link #apiKeyId()}.
 *
 * <p>Every event carries its {@link #type() type} and {@link #schemaVersion() schema version}; a
 * reader that meets a newer version than it knows refuses it (the message goes to the dead-letter
 * topic) rather than guessing. Events are never updated: a correction is a new {@link CostAdjusted}.
 */
public sealed interface LedgerEvent permits UsageRecorded, CostAdjusted {

    /**
     * The schema version this code writes. Version 2 adds {@link CostAdjusted#requestId()}; a version 1 event is read
     * as version 2 by {@link EventUpcaster}. A reader refuses any version above this one.
     */
    int CURRENT_SCHEMA_VERSION = 2;

    /** The wire name: {@code usage.recorded} or {@code cost.adjusted}. */
    String type();

    int schemaVersion();

    /** The idempotency key: a {@code requestId} or an {@code adjustmentId}. */
    String eventId();

    String apiKeyId();

    /** When the fact happened (for usage, when the upstream call completed), millisecond precision. */
    Instant occurredAt();
}
