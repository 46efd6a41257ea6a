package dev.usageledger.projections.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.stack.EmbeddedMariaDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One real MariaDB per test JVM (only MariaDB: these tests need neither Kafka nor Redis), started
 * on first use and stopped by a shutdown hook; a fresh, migrated database per test class.
 */
final class TestDatabase {

    /** Every table of the migration, children first. */
    static final List<String> TABLES = List.of("usage_records", "cost_adjustments", "ledger_event_ids",
            "ledger_conflicts", "usage_stats", "cost_stats", "account_usage_stats", "key_stats", "model_stats",
            "consumer_offsets");

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedMariaDb server;

    private TestDatabase() {}

    static synchronized EmbeddedMariaDb server() {
        if (server == null) {
            Path base;
            try {
                Path target = Path.of("target").toAbsolutePath();
                base = Files.isDirectory(target)
                        ? Files.createTempDirectory(target, "it-mariadb-")
                        : Files.createTempDirectory("projections-it-mariadb-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedMariaDb started = EmbeddedMariaDb.start(base, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "it-mariadb-stop"));
            server = started;
        }
        return server;
    }

    /** A new database named after {@code prefix}, migrated with Flyway; returns its JDBC URL. */
    static String freshDatabase(String prefix) {
        return freshDatabase(prefix, null);
    }

    /** A new database migrated up to {@code targetVersion} (null: the latest); returns its JDBC URL. */
    static String freshDatabase(String prefix, String targetVersion) {
        String name = prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        EmbeddedMariaDb db = server();
        db.createDatabase(name);
        String url = db.jdbcUrl(name);
        migrate(url, targetVersion);
        return url;
    }

    static void migrate(String url, String targetVersion) {
        var config = Flyway.configure()
                .dataSource(url, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD)
                .locations("classpath:db/migration");
        if (targetVersion != null) {
            config.target(targetVersion);
        }
        config.load().migrate();
    }

    static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(EmbeddedMariaDb.USER);
        config.setPassword(EmbeddedMariaDb.PASSWORD);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        String withoutParameters = url.substring(0, url.indexOf('?'));
        config.setPoolName("it-" + withoutParameters.substring(withoutParameters.lastIndexOf('/') + 1));
        return new HikariDataSource(config);
    }

    /** Empties every table (between tests of one class). */
    static void truncateAll(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.execute("TRUNCATE TABLE " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("truncating failed", e);
        }
    }
}
