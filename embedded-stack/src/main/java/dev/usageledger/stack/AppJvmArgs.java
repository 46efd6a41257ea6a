package dev.usageledger.stack;

import java.util.List;

/**
 * The JVM options the demo and the benchmark start the two applications with, in one place. Each app is budgeted
 * 512 MB of resident memory (issue #3): the heap below plus about 150 MB outside it (metaspace, code cache, thread
 * stacks, GC and Kafka/JDBC buffers) measured at maximum load. Container deployments set the same heap through
 * {@code RELAY_API_JAVA_OPTS} / {@code USAGE_CONSUMER_JAVA_OPTS} (docker-compose.yml, deploy/env.example).
 */
public final class AppJvmArgs {

    /** usage-consumer: a 5,000-record poll decoded by the streaming decoder fits well inside 256 MB. */
    public static final List<String> USAGE_CONSUMER = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    /** relay-api. */
    public static final List<String> RELAY_API = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    private AppJvmArgs() {}
}
