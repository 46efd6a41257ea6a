package dev.usageledger.relayapi.it;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The system clock moved by an offset a test sets (to expire leases without waiting); 0 unless a test moves it. */
final class OffsetClock extends Clock {

    static final OffsetClock INSTANCE = new OffsetClock();

    private final AtomicLong offsetMillis = new AtomicLong();

    void shift(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    void reset() {
        offsetMillis.set(0);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
