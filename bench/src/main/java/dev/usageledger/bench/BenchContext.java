package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What every scenario of one invocation shares: the servers, the run's id (in topic names), where process logs and
 * JFR recordings go, and the generated events' mix and end of time span (fixed once, so every writer of a scenario
 * gets the same events).
 *
 * @param brokerPid the embedded broker's pid (P2 states its CPU per event); {@code -1} with external servers
 * @param jfr       directory for JFR recordings of the app processes, or {@code null}
 */
record BenchContext(Databases dbs, String bootstrapServers, String redisUri, long brokerPid, String runId, Path logs,
        Path jfr, EventMix mix, Instant now) {

    /** Mix settings of the generated traffic ({@link Profile#traffic}), except the profile and the count. */
    record EventMix(int keys, int models, int accountsPerProvider, int cacheReadPercent, long seed) {}

    /** {@code count} events of {@code profile}, the seed shifted by {@code seedOffset} (another scenario's stream). */
    UsageTraffic events(Profile profile, long count, long seedOffset) {
        return events(profile, count, mix.keys(), seedOffset);
    }

    /** As {@link #events(Profile, long, long)} over {@code keys} API keys. */
    UsageTraffic events(Profile profile, long count, int keys, long seedOffset) {
        return profile.traffic(count, keys, mix.models(), mix.accountsPerProvider(), mix.cacheReadPercent(),
                mix.seed() + seedOffset, now);
    }
}
