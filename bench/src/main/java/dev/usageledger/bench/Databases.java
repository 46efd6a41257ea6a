package dev.usageledger.bench;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** The migrations usage-consumer applies with Flyway, in order. */
    private static final List<String> SCHEMA = List.of("/db/migration/V1__ledger_and_projections.sql",
            "/db/migration/V2__key_limits.sql", "/db/migration/V3__cost_breakdown_in_ledger_row.sql");

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

    /** Drops and creates {@code database} with the ledger schema (the migration usage-consumer applies). */
    void recreateWithSchema(String database) throws SQLException {
        recreate(database);
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : schemaStatements()) {
                s.execute(statement);
            }
        }
    }

    static List<String> schemaStatements() {
        List<String> statements = new ArrayList<>();
        for (String migration : SCHEMA) {
            statements.addAll(statements(migration));
        }
        return statements;
    }

    private static List<String> statements(String migration) {
        String sql;
        try (InputStream in = Databases.class.getResourceAsStream(migration)) {
            if (in == null) {
                throw new IllegalStateException(migration + " not on the classpath");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder withoutComments = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }
}
