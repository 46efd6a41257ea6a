package dev.usageledger.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import picocli.CommandLine.Option;

/**
 * The MySQL connection, named as the apps name it: {@code --jdbc-url}, {@code --db-user}, {@code --db-password},
 * defaulting to the apps' environment variables {@code SPRING_DATASOURCE_URL}, {@code SPRING_DATASOURCE_USERNAME},
 * {@code SPRING_DATASOURCE_PASSWORD} and then to the apps' defaults. The Connector/J properties every app pins are
 * pinned here too (instants as UTC, batches rewritten), whatever the URL says.
 */
public final class DatabaseOptions {

    @Option(names = "--jdbc-url", paramLabel = "URL",
            defaultValue = "${env:SPRING_DATASOURCE_URL:-jdbc:mysql://127.0.0.1:3306/usage_ledger}",
            description = "JDBC URL of the ledger's database (env SPRING_DATASOURCE_URL; default: ${DEFAULT-VALUE})")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:SPRING_DATASOURCE_USERNAME:-root}",
            description = "database user (env SPRING_DATASOURCE_USERNAME; default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:SPRING_DATASOURCE_PASSWORD:-}",
            description = "database password (env SPRING_DATASOURCE_PASSWORD, preferred: an option shows in ps)")
    String password;

    /** A small pool; fails at once, with the driver's reason, when the database cannot be reached. */
    HikariDataSource open() {
        return open(false);
    }

    /**
     * As {@link #open()}; {@code affectedRows}: an upsert reports the rows it changed (Connector/J's
     * {@code useAffectedRows}: 1 inserted, 2 updated, 0 left as it was) instead of the rows it found.
     */
    HikariDataSource open(boolean affectedRows) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        config.setPoolName("ledger-cli");
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("connectionTimeZone", "UTC");
        config.addDataSourceProperty("forceConnectionTimeZoneToSession", "true");
        config.addDataSourceProperty("allowPublicKeyRetrieval", "true");
        config.addDataSourceProperty("rewriteBatchedStatements", "true");
        config.addDataSourceProperty("useAffectedRows", String.valueOf(affectedRows));
        return new HikariDataSource(config);
    }
}
