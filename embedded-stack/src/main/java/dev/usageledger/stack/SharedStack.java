package dev.usageledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link EmbeddedStack} per JVM, started by the first {@link #get()} and stopped by a
 * shutdown hook: every integration test class of a module shares the same servers, so tests
 * must use their own topics, keys and rows (or clean up). Files go to
 * {@code ./target/stack-<random>} when the working directory has a {@code target} directory
 * (failsafe runs in the module directory), else to {@code java.io.tmpdir}; they are kept after
 * the run for post-mortems (the broker log is {@code kafka/broker.log}).
 */
public final class SharedStack {

    private static final Logger log = LoggerFactory.getLogger(SharedStack.class);
    private static EmbeddedStack stack;

    private SharedStack() {
    }

    public static synchronized EmbeddedStack get() {
        if (stack == null) {
            EmbeddedStack started = EmbeddedStack.start(newBaseDir());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (RuntimeException e) {
                    log.warn("stopping the shared embedded stack failed", e);
                }
            }, "shared-stack-stop"));
            stack = started;
        }
        return stack;
    }

    private static Path newBaseDir() {
        Path target = Path.of("target").toAbsolutePath();
        try {
            return Files.isDirectory(target)
                    ? Files.createTempDirectory(target, "stack-")
                    : Files.createTempDirectory("usage-ledger-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a base dir for the embedded stack", e);
        }
    }
}
