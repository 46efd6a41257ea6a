package dev.usageledger.limits;

import dev.usageledger.stack.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One real redis-server per test JVM (these tests need neither Kafka nor MySQL), stopped by a shutdown hook. */
final class TestRedis {

    private static EmbeddedRedis server;

    private TestRedis() {}

    static synchronized EmbeddedRedis server() {
        if (server == null) {
            Path dir;
            try {
                Path target = Path.of("target").toAbsolutePath();
                dir = Files.isDirectory(target) ? Files.createTempDirectory(target, "it-redis-")
                        : Files.createTempDirectory("limits-it-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedRedis started = EmbeddedRedis.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "it-redis-stop"));
            server = started;
        }
        return server;
    }
}
