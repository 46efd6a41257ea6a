package dev.usageledger.relayapi.ingest;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code receivedAt} of the events this process accepts (CONTRACT §1, "Which version is first accepted"): the
 * wrapped clock in milliseconds (what the event and the ledger keep), never going backwards within this process,
 * even when the wall clock is stepped back. Thread-safe.
 */
public final class MonotonicInstants implements InstantSource {

    private final InstantSource clock;
    private final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE);

    public MonotonicInstants(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Instant instant() {
        long now = clock.instant().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        return Instant.ofEpochMilli(lastMillis.accumulateAndGet(now, Math::max));
    }
}
