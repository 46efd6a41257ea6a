package dev.usageledger.bench;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * One MySQL/MariaDB server, one database per writer and run ({@code bench_*}, dropped and created
 * afresh), so the writers compare on the same server without seeing each other's rows.
 */
final class Databases {

    private static final Pattern URL = Pattern.compile("(jdbc:(?:mysql|mariadb)://[^/?]+)(?:/[^?]*)?(?:\\?(.*))?");
    /** Pinned like usage-consumer pins them: UTC instants, rewritten batches. */
    private static final String PARAMETERS = "connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true"
            + "&rewriteBatchedStatements=true&cachePrepStmts=true&useServerPrepStmts=false"
            + "&allowPublicKeyRetrieval=true&useSSL=false";

    private final String server;
    private final String extraParameters;
    private final String user;
    private final String password;

    /** @param jdbcUrl any URL of the server (a database in it is ignored) */
    Databases(String jdbcUrl, String user, String password) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:mysql:// URL: " + jdbcUrl);
        }
        this.server = m.group(1);
        this.extraParameters = m.group(2) == null ? "" : "&" + m.group(2);
        this.user = user;
        this.password = password;
    }

    String url(String database) {
        return server + "/" + database + "?" + PARAMETERS + extraParameters;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), user, password);
    }

    /**
     * A connection that may send {@code LOAD DATA LOCAL} files from {@code directory} only
     * ({@code allowLoadLocalInfileInPath}; {@code allowLoadLocalInfile}, which would send any file the server asks
     * for, stays off).
     */
    Connection connectLoadingFrom(String database, Path directory) throws SQLException {
        return DriverManager.getConnection(url(database) + "&allowLoadLocalInfileInPath="
                + directory, user, password);
    }

    MysqlDataSource dataSource(String database) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(url(database));
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Runs server-wide statements ({@code SET GLOBAL ...}): environment settings, not product ones. */
    void serverStatements(List<String> statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(server + "/?" + PARAMETERS + extraParameters, user, password);
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** Drops and creates {@code database}, empty. */
    void recreate(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(server + "/?" + PARAMETERS + extraParameters, user, password);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + database + "`");
            s.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
    }

    /**
     * Drops and creates {@code database} with the ledger schema: every migration of the {@code sql} module, applied
     * by Flyway as usage-consumer applies them.
     */
    void recreateWithSchema(String database) throws SQLException {
        recreate(database);
        Flyway.configure().dataSource(url(database), user, password).locations("classpath:db/migration").load()
                .migrate();
    }
}
