package dev.usageledger.projections.retry;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The one place that decides whether a failed database transaction may be retried as a whole.
 *
 * <p>Retryable: deadlock (MySQL/MariaDB error 1213), lock wait timeout (1205) and a lost or refused
 * connection. Classified on the vendor error code, not on SQLState: MariaDB reports 1205 as 40001,
 * MySQL documents it as HY000. Everything else (constraint violations, bad SQL, decoding and
 * validation errors) is fatal: retrying cannot help.
 */
public final class RetryClassifier {

    /** Why a transaction failed, as far as retrying is concerned. */
    public enum Failure {
        DEADLOCK("deadlock"),
        LOCK_WAIT_TIMEOUT("lock_wait_timeout"),
        CONNECTION("connection"),
        FATAL("fatal");

        private final String tag;

        Failure(String tag) {
            this.tag = tag;
        }

        /** The metric tag value. */
        public String tag() {
            return tag;
        }

        public boolean retryable() {
            return this != FATAL;
        }
    }

    public static final int ER_LOCK_DEADLOCK = 1213;
    public static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    /** Server shutdown in progress, connection killed (MariaDB 1927), gone away, lost during query. */
    private static final int[] CONNECTION_ERRORS = {1053, 1077, 1078, 1079, 1080, 1927, 2002, 2003, 2006, 2013, 2055};

    private RetryClassifier() {}

    public static Failure classify(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                Failure f = classifySql(sql);
                if (f != Failure.FATAL) {
                    return f;
                }
            }
        }
        return Failure.FATAL;
    }

    public static boolean isRetryable(Throwable failure) {
        return classify(failure).retryable();
    }

    private static Failure classifySql(SQLException first) {
        for (SQLException e = first; e != null; e = e.getNextException()) {
            int code = e.getErrorCode();
            if (code == ER_LOCK_DEADLOCK) {
                return Failure.DEADLOCK;
            }
            if (code == ER_LOCK_WAIT_TIMEOUT) {
                return Failure.LOCK_WAIT_TIMEOUT;
            }
            for (int c : CONNECTION_ERRORS) {
                if (code == c) {
                    return Failure.CONNECTION;
                }
            }
            String state = e.getSQLState();
            if (e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
                    || (state != null && state.startsWith("08"))) {
                return Failure.CONNECTION;
            }
            if (e.getNextException() == e) {
                break;
            }
        }
        return Failure.FATAL;
    }
}
