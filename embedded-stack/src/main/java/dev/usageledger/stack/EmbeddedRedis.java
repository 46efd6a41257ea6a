package dev.usageledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

/**
 * A redis-server 6.2 (bundled in {@code embedded-redis}) on 127.0.0.1, persistence off
 * ({@code save ""}, {@code appendonly no}): data lives only as long as the process. It can be
 * stopped and started again on the same port, to test what apps do while Redis is down.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final int port;
    private final RedisServer server;
    private Duration lastStartupTime = Duration.ZERO;

    private EmbeddedRedis(int port, RedisServer server) {
        this.port = port;
        this.server = server;
    }

    /**
     * Starts a server on {@code port} (0 = a free one); embedded-redis copies its 9 MB binary to a
     * new {@code java.io.tmpdir/redis-*} directory (the binary is deleted at JVM exit, the
     * directory is not).
     */
    public static EmbeddedRedis start(int port) {
        return start(null, port);
    }

    /**
     * Starts a server on {@code port} (0 = a free one), its binary copied into {@code workDir} and
     * deleted at JVM exit. One server per directory: a second copy into the same place fails.
     */
    public static EmbeddedRedis start(Path workDir, int port) {
        int actualPort = port == 0 ? Ports.freePort() : port;
        RedisServer server;
        try {
            RedisServerBuilder builder = RedisServer.newRedisServer();
            if (workDir != null) {
                Files.createDirectories(workDir);
                builder.executableProvider(ExecutableProvider.newJarResourceProvider(workDir.toFile()));
            }
            server = builder
                    .port(actualPort)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare redis-server on port " + actualPort, e);
        }
        EmbeddedRedis redis = new EmbeddedRedis(actualPort, server);
        redis.start();
        return redis;
    }

    /** Starts the (stopped) server again, on the same port and with the same settings; empty. */
    public synchronized void start() {
        if (server.isActive()) {
            return;
        }
        long t0 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                server.start();
                break;
            } catch (IOException e) {
                // ETXTBSY: the binary was just written, and a fork by another thread (another server
                // starting) still held it open for writing when this one exec'd it. Passing; retry.
                if (attempt < 5 && textFileBusy(e)) {
                    log.info("redis-server binary busy (attempt {}), retrying", attempt);
                    sleepQuietly(200L * attempt);
                    continue;
                }
                throw new UncheckedIOException("redis-server did not start on 127.0.0.1:" + port, e);
            }
        }
        if (OrphanGuard.guardChild("redis-server", ":" + port).isEmpty()) {
            log.warn("redis-server on port {} not found among this JVM's children: it will outlive a killed JVM", port);
        }
        lastStartupTime = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Redis ready at 127.0.0.1:{} in {} ms", port, lastStartupTime.toMillis());
    }

    private static boolean textFileBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("Text file busy")) {
                return true;
            }
        }
        return false;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
    }

    /** Stops the server and waits for the process to exit; the port is free afterwards. */
    public synchronized void stop() {
        if (!server.isActive()) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on 127.0.0.1:" + port + " did not stop", e);
        }
    }

    public boolean isRunning() {
        return server.isActive();
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:PORT} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Duration of the last {@link #start()}. */
    public Duration startupTime() {
        return lastStartupTime;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "EmbeddedRedis[" + uri() + (isRunning() ? "" : ", stopped") + "]";
    }
}
