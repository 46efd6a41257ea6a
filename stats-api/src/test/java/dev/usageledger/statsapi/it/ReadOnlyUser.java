package dev.usageledger.statsapi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The deployment's read-only account ({@code deploy/mysql/init/01-read-only-user.sql.example}, what the compose init
 * script runs), created by running that file itself: what stats-api, Grafana and analysts get in production is what
 * the tests read with. Needs a server that checks grants (the shared test server skips them).
 */
final class ReadOnlyUser {

    static final String USER = "ledger_ro";
    static final String PASSWORD = "read-only-test-password-0001";
    private static final Path SCRIPT = Path.of("..", "deploy", "mysql", "init", "01-read-only-user.sql.example");

    private ReadOnlyUser() {}

    /**
     * Runs the example script as an administrator, with the test's password and its schema in place of
     * {@code usage_ledger}. Idempotent, like the script ({@code IF NOT EXISTS}, grants add up).
     */
    static void grant(Connection admin, String schema) {
        String script;
        try {
            script = Files.readString(SCRIPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        script = script.replace("'change-me'", "'" + PASSWORD + "'").replace("`usage_ledger`", "`" + schema + "`");
        try (Statement s = admin.createStatement()) {
            for (String statement : SqlScript.statements(script)) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("creating the read-only user failed", e);
        }
    }
}
