package dev.usageledger.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB, Redis and Kafka for one app run or one test JVM, all on 127.0.0.1 with free ports,
 * their files under one base dir ({@code mariadb/}, {@code kafka/}, {@code redis/}), and the database
 * {@value #DATABASE} created. Started in parallel: MariaDB's unpack and install overlap with the
 * broker JVM's start-up.
 */
public final class EmbeddedStack implements AutoCloseable {

    public static final String DATABASE = "usage_ledger";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    private final Path baseDir;
    private final EmbeddedMariaDb mariaDb;
    private final EmbeddedRedis redis;
    private final KafkaBroker kafka;

    private EmbeddedStack(Path baseDir, EmbeddedMariaDb mariaDb, EmbeddedRedis redis, KafkaBroker kafka) {
        this.baseDir = baseDir;
        this.mariaDb = mariaDb;
        this.redis = redis;
        this.kafka = kafka;
    }

    /**
     * Starts all three servers; if any fails, the others are stopped and the first failure is
     * thrown with the others attached as suppressed.
     */
    public static EmbeddedStack start(Path baseDir) {
        return start(baseDir, List.of());
    }

    /**
     * As {@link #start(Path)}, MariaDB with {@code mariaDbArgs} after its defaults (a later option wins; see
     * {@link EmbeddedMariaDb#start(Path, int, List)}).
     */
    public static EmbeddedStack start(Path baseDir, List<String> mariaDbArgs) {
        Path base = baseDir.toAbsolutePath();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "embedded-stack-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> {
                try {
                    return KafkaBroker.start(base.resolve("kafka"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting Kafka", e);
                }
            }, pool);
            CompletableFuture<EmbeddedMariaDb> mariaDb = CompletableFuture.supplyAsync(() -> {
                EmbeddedMariaDb db = EmbeddedMariaDb.start(base.resolve("mariadb"), 0, mariaDbArgs);
                try {
                    db.createDatabase(DATABASE);
                    return db;
                } catch (RuntimeException e) {
                    closeQuietly(db, e);
                    throw e;
                }
            }, pool);
            EmbeddedRedis redis = null;
            RuntimeException failure = null;
            try {
                redis = EmbeddedRedis.start(base.resolve("redis"), 0);
            } catch (RuntimeException e) {
                failure = e;
            }
            KafkaBroker broker = join(kafka);
            EmbeddedMariaDb db = join(mariaDb);
            failure = firstFailure(failure, kafka);
            failure = firstFailure(failure, mariaDb);
            if (failure != null) {
                closeQuietly(broker, failure);
                closeQuietly(db, failure);
                closeQuietly(redis, failure);
                throw failure;
            }
            log.info("Embedded stack ready in {} ms: MariaDB 127.0.0.1:{} ({} ms), Redis 127.0.0.1:{} ({} ms), "
                            + "Kafka {} ({} ms); files in {}",
                    Duration.ofNanos(System.nanoTime() - t0).toMillis(),
                    db.port(), db.startupTime().toMillis(), redis.port(), redis.startupTime().toMillis(),
                    broker.bootstrapServers(), broker.startupTime().toMillis(), base);
            return new EmbeddedStack(base, db, redis, broker);
        } finally {
            pool.shutdownNow();
        }
    }

    public EmbeddedMariaDb mariaDb() {
        return mariaDb;
    }

    public EmbeddedRedis redis() {
        return redis;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** JDBC URL of the {@value #DATABASE} database (user {@code root}, empty password). */
    public String jdbcUrl() {
        return mariaDb.jdbcUrl(DATABASE);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String redisUri() {
        return redis.uri();
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Stops Kafka, Redis and MariaDB; every one is attempted, failures are rethrown together. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable server : new AutoCloseable[] {kafka, redis, mariaDb}) {
            try {
                server.close();
            } catch (Exception e) {
                log.warn("stopping {} failed", server, e);
                if (failure == null) {
                    failure = new IllegalStateException("stopping the embedded stack failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedStack[" + jdbcUrl() + ", " + redisUri() + ", " + bootstrapServers() + "]";
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    private static RuntimeException firstFailure(RuntimeException failure, CompletableFuture<?> future) {
        if (!future.isCompletedExceptionally()) {
            return failure;
        }
        Throwable cause;
        try {
            future.join();
            return failure;
        } catch (CompletionException e) {
            cause = e.getCause() == null ? e : e.getCause();
        }
        RuntimeException asRuntime = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        if (failure == null) {
            return asRuntime;
        }
        failure.addSuppressed(asRuntime);
        return failure;
    }

    private static void closeQuietly(AutoCloseable server, Exception primary) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (Exception e) {
            log.warn("stopping {} after a failed start failed too", server, e);
            primary.addSuppressed(e);
        }
    }
}
