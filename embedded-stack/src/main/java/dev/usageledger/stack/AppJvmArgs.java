package dev.usageledger.stack;

import java.util.List;

/**
 * The JVM options the demo and the benchmark start the applications with, in one place. Each app is budgeted
 * 512 MB of resident memory (issue #3): the heap below plus what lives outside it (metaspace ~57 MB, code cache,
 * symbols, class space, compiler arenas, NIO buffers, malloc; ~240 MB for usage-consumer at maximum load, measured
 * with native memory tracking). The usage-consumer container sets the same options through
 * {@code USAGE_CONSUMER_JAVA_OPTS} (docker-compose.yml, deploy/env.example, its Dockerfile).
 */
public final class AppJvmArgs {

    /**
     * usage-consumer. SerialGC grows the heap to its maximum under a backlog, so the maximum is what counts;
     * {@code jdk.nio.maxCachedBufferSize} stops the JDK from keeping, per thread, a direct copy of the largest
     * socket read or write (Kafka fetch responses, rewritten ledger inserts): ~58 MB outside the heap otherwise.
     */
    public static final List<String> USAGE_CONSUMER =
            List.of("-Xms64m", "-Xmx192m", "-XX:+UseSerialGC", "-Djdk.nio.maxCachedBufferSize=262144");

    /** relay-api. */
    public static final List<String> RELAY_API = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    /** stats-api: the ledger's CSV streams row by row, so its heap does not grow with the range. */
    public static final List<String> STATS_API = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC");

    private AppJvmArgs() {}
}
