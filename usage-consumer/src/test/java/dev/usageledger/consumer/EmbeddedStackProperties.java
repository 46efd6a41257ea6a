package dev.usageledger.consumer;

import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.SharedStack;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a usage-consumer test context at the shared embedded stack, with names of its own. */
final class EmbeddedStackProperties {

    private EmbeddedStackProperties() {}

    /**
     * Kafka, Redis and a database {@code <name with _>} of the shared stack; topic {@code <name>-events} (one
     * partition) and its DLT; consumer groups {@code <name>} and {@code <name>-counters}.
     */
    static void register(DynamicPropertyRegistry registry, String name) {
        EmbeddedStack stack = SharedStack.get();
        String database = name.replace('-', '_');
        registry.add("spring.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("spring.datasource.url", () -> {
            stack.mariaDb().createDatabase(database);
            return stack.mariaDb().jdbcUrl(database);
        });
        registry.add("ledger.kafka.topic", () -> name + "-events");
        registry.add("ledger.kafka.dead-letter-topic", () -> name + "-events.DLT");
        registry.add("ledger.kafka.partitions", () -> "1");
        registry.add("ledger.consumer.group", () -> name);
        registry.add("ledger.counters.group", () -> name + "-counters");
        registry.add("ledger.redis.uri", stack::redisUri);
    }
}
