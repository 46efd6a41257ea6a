package dev.usageledger.projections.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.mysql.FencedException;
import dev.usageledger.projections.mysql.ProjectionException;
import dev.usageledger.projections.retry.RetryClassifier.Failure;
import java.io.UncheckedIOException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryClassifierTest {

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource({
            "1213, 40001, DEADLOCK",
            "1213, HY000, DEADLOCK",
            "1205, 40001, LOCK_WAIT_TIMEOUT",
            "1205, HY000, LOCK_WAIT_TIMEOUT",
            "0, 08S01, CONNECTION",
            "2013, HY000, CONNECTION",
            "2006, HY000, CONNECTION",
            "1927, 70100, CONNECTION",
            "0, 08001, CONNECTION",
            "1062, 23000, FATAL",
            "1064, 42000, FATAL",
            "1146, 42S02, FATAL",
            "3819, HY000, FATAL",
            "1406, 22001, FATAL",
            "0, 40001, FATAL"})
    void classifiesOnTheVendorCode(int code, String state, Failure expected) {
        SQLException e = new SQLException("failure " + code, state, code);

        assertThat(RetryClassifier.classify(e)).isEqualTo(expected);
        assertThat(RetryClassifier.isRetryable(e)).isEqualTo(expected != Failure.FATAL);
    }

    @Test
    void classifiesTheDriverExceptionsAsConnectorJThrowsThem() {
        assertThat(RetryClassifier.classify(new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213)))
                .isEqualTo(Failure.DEADLOCK);
        assertThat(RetryClassifier.classify(new SQLTransactionRollbackException(
                "Lock wait timeout exceeded; try restarting transaction", "40001", 1205)))
                .isEqualTo(Failure.LOCK_WAIT_TIMEOUT);
        assertThat(RetryClassifier.classify(new SQLNonTransientConnectionException(
                "Communications link failure", "08S01", 0))).isEqualTo(Failure.CONNECTION);
        assertThat(RetryClassifier.classify(new SQLRecoverableException("gone"))).isEqualTo(Failure.CONNECTION);
        assertThat(RetryClassifier.classify(new SQLTransientConnectionException("pool timeout")))
                .isEqualTo(Failure.CONNECTION);
        assertThat(RetryClassifier.classify(new SQLIntegrityConstraintViolationException(
                "Duplicate entry 'x' for key 'PRIMARY'", "23000", 1062))).isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new SQLSyntaxErrorException(
                "You have an error in your SQL syntax", "42000", 1064))).isEqualTo(Failure.FATAL);
    }

    @Test
    void findsTheCauseInsideWrappers() {
        SQLException deadlock = new SQLTransactionRollbackException("deadlock", "40001", 1213);

        assertThat(RetryClassifier.classify(new ProjectionException("batch failed", deadlock)))
                .isEqualTo(Failure.DEADLOCK);
        assertThat(RetryClassifier.classify(new CompletionException(new RuntimeException("x",
                new ProjectionException("batch failed", new SQLException("lock wait", "HY000", 1205))))))
                .isEqualTo(Failure.LOCK_WAIT_TIMEOUT);
        assertThat(RetryClassifier.classify(new RuntimeException(new SQLException("lost", "08S01", 2013))))
                .isEqualTo(Failure.CONNECTION);
        // a wrapping SQLException that says nothing, around one that does
        assertThat(RetryClassifier.classify(new SQLException("batch failed", "HY000", 0, deadlock)))
                .isEqualTo(Failure.DEADLOCK);
    }

    @Test
    void findsTheCauseInTheNextExceptionChain() {
        BatchUpdateException batch = new BatchUpdateException("batch failed", "HY000", 0, new int[0]);
        batch.setNextException(new SQLException("deadlock", "40001", 1213));

        assertThat(RetryClassifier.classify(batch)).isEqualTo(Failure.DEADLOCK);
    }

    @Test
    void survivesACauseCycle() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        assertThat(RetryClassifier.classify(a)).isEqualTo(Failure.FATAL);
    }

    @Test
    void everythingElseIsFatal() {
        assertThat(RetryClassifier.classify(null)).isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new IllegalArgumentException("bad"))).isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new EventDecodingException("usage.inputTokens: negative")))
                .isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new FencedException("usage-events", 0, 3))).isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new UncheckedIOException(new java.io.IOException("disk"))))
                .isEqualTo(Failure.FATAL);
        assertThat(RetryClassifier.classify(new ProjectionException("dup",
                new SQLIntegrityConstraintViolationException("Duplicate entry", "23000", 1062))))
                .isEqualTo(Failure.FATAL);
    }

    @Test
    void failuresCarryTheirMetricTags() {
        assertThat(Failure.DEADLOCK.tag()).isEqualTo("deadlock");
        assertThat(Failure.LOCK_WAIT_TIMEOUT.tag()).isEqualTo("lock_wait_timeout");
        assertThat(Failure.CONNECTION.tag()).isEqualTo("connection");
        assertThat(Failure.FATAL.retryable()).isFalse();
        assertThat(Failure.DEADLOCK.retryable()).isTrue();
    }
}
