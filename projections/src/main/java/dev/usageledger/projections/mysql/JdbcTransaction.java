package dev.usageledger.projections.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import javax.sql.DataSource;

/**
 * One database transaction on a pooled connection: commit on success; on failure roll back (a
 * failed rollback is attached as suppressed, never hidden) and rethrow.
 *
 * <p>When the connection itself is gone after a failure, the failure is reported as a
 * {@link SQLRecoverableException} whatever the driver said: Connector/J reports a connection killed
 * during a rewritten batch as "No operations allowed after statement closed", without the
 * communications failure in its causes, and the retry classifier must still see a lost connection.
 */
final class JdbcTransaction {

    /** Work done inside the transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransaction() {}

    static <T> T run(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException e) {
                throw rolledBack(c, e);
            } catch (RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new ProjectionException(what + " failed", e);
        }
    }

    /** A pooled connection with a transaction begun on it, for work spread over several calls. */
    static Connection begin(DataSource dataSource) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            ProjectionException failure = new ProjectionException("beginning a transaction failed", e);
            closeQuietly(c, failure);
            throw failure;
        }
    }

    /**
     * Rolls back after {@code failure} and returns what to throw: the failure itself, or a
     * {@link SQLRecoverableException} when the connection is gone (see the class comment).
     */
    static SQLException rolledBack(Connection c, SQLException failure) {
        rollbackQuietly(c, failure);
        if (!(failure instanceof SQLRecoverableException) && lost(c)) {
            return new SQLRecoverableException("connection lost: " + failure.getMessage(), failure.getSQLState(),
                    failure);
        }
        return failure;
    }

    static void closeQuietly(Connection c, Exception failure) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    static void rollbackQuietly(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static boolean lost(Connection c) {
        try {
            return c.isClosed() || !c.isValid(1);
        } catch (SQLException e) {
            return true;
        }
    }
}
