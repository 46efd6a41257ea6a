package dev.usageledger.bench;

import java.util.List;

/**
 * P5: the peak resident memory of each app at maximum load, taken from the runs of the other scenarios
 * (usage-consumer: P1 and P6; relay-api: P2), against the 512 MB limit.
 */
final class MemoryBench {

    static final double LIMIT_MB = 512;

    private MemoryBench() {}

    /** A figure per app that was run; {@code relayPeakRssBytes} 0 when P2 did not run. */
    static Findings of(List<ConsumerRun.Result> consumerRuns, long relayPeakRssBytes) {
        Findings f = new Findings();
        if (!consumerRuns.isEmpty()) {
            long peak = consumerRuns.stream().mapToLong(ConsumerRun.Result::peakRssBytes).max().orElse(0);
            f.limit("P5 usage-consumer peak RSS at maximum load", peak / 1e6, LIMIT_MB, "MB");
        }
        if (relayPeakRssBytes > 0) {
            f.limit("P5 relay-api peak RSS at maximum load (P2)", relayPeakRssBytes / 1e6, LIMIT_MB, "MB");
        }
        return f;
    }
}
