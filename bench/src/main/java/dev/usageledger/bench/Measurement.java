package dev.usageledger.bench;

import java.time.Duration;

/**
 * One timed run of one writer.
 *
 * @param scenario  P1, P2, …
 * @param profile   data profile (live, backfill) or the variant measured
 * @param writer    what was measured (raw, naive, pipeline, …)
 * @param events    events measured
 * @param elapsed   time measured, start-up excluded
 * @param note      how it was measured, in a few words
 */
record Measurement(String scenario, String profile, String writer, long events, Duration elapsed, String note) {

    double eventsPerSecond() {
        return elapsed.isZero() ? 0 : events * 1e9 / elapsed.toNanos();
    }
}
