package dev.usageledger.projections.event;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits applied to relay and admin input.
 *
 * @param maxEventAge  how far in the past {@code occurredAt} may be (older history goes through an import tool)
 * @param maxClockSkew how far in the future {@code occurredAt} may be
 * @param maxBatchEvents most events in one ingest request
 */
public record InputRules(Duration maxEventAge, Duration maxClockSkew, int maxBatchEvents) {

    public static final InputRules DEFAULTS = new InputRules(Duration.ofDays(30), Duration.ofMinutes(5), 1000);

    public InputRules {
        Objects.requireNonNull(maxEventAge, "maxEventAge");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        if (maxEventAge.isNegative() || maxEventAge.isZero()) {
            throw new IllegalArgumentException("maxEventAge must be positive");
        }
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("maxBatchEvents must be at least 1");
        }
    }
}
