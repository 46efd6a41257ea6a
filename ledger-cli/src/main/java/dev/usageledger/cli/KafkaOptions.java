package dev.usageledger.cli;

import dev.usageledger.common.LedgerSettings;
import picocli.CommandLine.Option;

/**
 * Kafka, named as the apps name it: {@code --bootstrap-servers} (env {@code SPRING_KAFKA_BOOTSTRAPSERVERS}),
 * {@code --topic} ({@code ledger.kafka.topic}, env {@code LEDGER_KAFKA_TOPIC}), {@code --dead-letter-topic}
 * ({@code ledger.kafka.dead-letter-topic}, env {@code LEDGER_KAFKA_DEADLETTERTOPIC}; blank means
 * {@code <topic>.DLT}), resolved and checked by {@link LedgerSettings.Kafka} as every app resolves them.
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            defaultValue = "${env:SPRING_KAFKA_BOOTSTRAPSERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env SPRING_KAFKA_BOOTSTRAPSERVERS; default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "${env:LEDGER_KAFKA_TOPIC:-usage-events}",
            description = "the events topic (env LEDGER_KAFKA_TOPIC; default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", defaultValue = "${env:LEDGER_KAFKA_DEADLETTERTOPIC:-}",
            description = "the dead-letter topic (env LEDGER_KAFKA_DEADLETTERTOPIC; default: <topic>.DLT)")
    String deadLetterTopic;

    /** The topics as the apps resolve them; an {@code InvalidSettingException} names a bad one. */
    LedgerSettings.Kafka topics() {
        return new LedgerSettings.Kafka(topic, deadLetterTopic, null, null, null);
    }
}
