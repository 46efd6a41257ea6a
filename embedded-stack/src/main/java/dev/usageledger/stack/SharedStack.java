package dev.usageledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link EmbeddedStack} per JVM, started by the first {@link #get()} and stopped by a
 * shutdown hook: every integration test class of a module shares the same servers, so tests
 * must use their own topics, keys and rows (or clean up). Files go to
 * {@code ./target/stack-<random>} when the working directory has a {@code target} directory
 * (failsafe runs in the module directory), else to {@code java.io.tmpdir}; they are kept after
 * the run for post-mortems (the broker log is {@code kafka/broker.log}) and deleted by the next
 * run (see {@link #newBaseDir()}).
 */
public final class SharedStack {

    private static final Logger log = LoggerFactory.getLogger(SharedStack.class);
    private static final List<FileChannel> IN_USE = new CopyOnWriteArrayList<>();
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

    /**
     * A new {@code stack-*} directory under {@code ./target} (else {@code java.io.tmpdir}), after
     * deleting the {@code stack-*} directories of earlier runs there (143 MB each, mostly the
     * InnoDB redo log). A directory is in use, and kept, while the JVM that made it holds the
     * lock on its {@code .in-use} file.
     */
    static Path newBaseDir() {
        Path target = Path.of("target").toAbsolutePath();
        Path parent = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = parent.equals(target) ? "stack-" : "usage-ledger-stack-";
        try {
            pruneUnused(parent, prefix);
            Path dir = Files.createTempDirectory(parent, prefix);
            FileChannel inUse = FileChannel.open(dir.resolve(".in-use"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            inUse.lock(); // released when this JVM exits
            IN_USE.add(inUse);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a base dir for the embedded stack in " + parent, e);
        }
    }

    private static void pruneUnused(Path parent, String prefix) throws IOException {
        List<Path> candidates;
        try (Stream<Path> files = Files.list(parent)) {
            candidates = files.filter(d -> d.getFileName().toString().startsWith(prefix) && Files.isDirectory(d)).toList();
        }
        for (Path dir : candidates) {
            Path lockFile = dir.resolve(".in-use");
            if (Files.exists(lockFile)) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                        FileLock lock = channel.tryLock()) {
                    if (lock == null) {
                        continue;
                    }
                } catch (OverlappingFileLockException e) {
                    continue; // this JVM's own
                }
            }
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete the old stack dir {}", dir, e);
        }
    }
}
