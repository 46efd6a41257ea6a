package dev.usageledger.consumer;

import dev.usageledger.fixtures.TestStack;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a usage-consumer test context at the shared embedded stack ({@link TestStack}), with names of its own. */
final class EmbeddedStackProperties {

    private EmbeddedStackProperties() {}

    /**
     * Kafka, Redis and a database {@code <name with _>} (created, migrated by the app) of the shared stack; topic
     * {@code <name>-events} (one partition) and its DLT; consumer groups {@code <name>} and {@code <name>-counters}.
     */
    static void register(DynamicPropertyRegistry registry, String name) {
        TestStack.appProperties(TestStack.emptyDatabase(name.replace('-', '_')))
                .forEach((property, value) -> registry.add(property, () -> value));
        registry.add("ledger.kafka.topic", () -> name + "-events");
        registry.add("ledger.kafka.dead-letter-topic", () -> name + "-events.DLT");
        registry.add("ledger.kafka.partitions", () -> "1");
        registry.add("ledger.consumer.group", () -> name);
        registry.add("ledger.counters.group", () -> name + "-counters");
    }
}
