package dev.usageledger.relayapi.it;

import dev.usageledger.stack.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One real KRaft broker (child JVM) for every integration test of this module that needs a working Kafka. */
final class SharedKafka {

    private static KafkaBroker broker;

    private SharedKafka() {}

    static synchronized KafkaBroker get() {
        if (broker == null) {
            try {
                KafkaBroker started = KafkaBroker.start(newDataDir("shared-kafka-"));
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-stop"));
                broker = started;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kafka", e);
            }
        }
        return broker;
    }

    static Path newDataDir(String prefix) {
        try {
            Path target = Path.of("target");
            return Files.isDirectory(target) ? Files.createTempDirectory(target, prefix)
                    : Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
