package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.fold.BucketSpan;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.Granularity;
import dev.usageledger.projections.retry.RetryClassifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rebuild's locking read of a span ({@link RangeCells#compare} with locks) holds back every insert and delete into the
 * span's ledger rows until it commits (with the gaps to the rows either side of it: next-key locks), and nothing
 * further: on {@code cost_adjustments} through its time index (V7), not by locking the whole table.
 */
class StatsRangeLockingIT {

    private static DataSource ds;

    @BeforeAll
    static void database() throws SQLException {
        ds = TestDatabase.pool(TestDatabase.freshDatabase("range_locking"), 3);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(usage("r_before", "2026-11-22 07:00:00"));
            s.executeUpdate(usage("r_in", "2026-11-22 10:15:00"));
            s.executeUpdate(usage("r_after", "2026-11-22 12:30:00"));
            s.executeUpdate(adjustment("a_before", "2026-11-22 07:00:00"));
            s.executeUpdate(adjustment("a_in", "2026-11-22 10:20:00"));
            s.executeUpdate(adjustment("a_after", "2026-11-22 12:40:00"));
        }
    }

    @AfterAll
    static void close() throws Exception {
        ((AutoCloseable) ds).close();
    }

    @Test
    void aLockingReadOfASpanHoldsBackWritesIntoItOnly() throws SQLException {
        BucketSpan hour = new BucketSpan(Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T11:00:00Z"),
                EnumSet.of(Granularity.HOUR));
        try (Connection rebuild = ds.getConnection(); Connection live = ds.getConnection();
                Statement s = live.createStatement()) {
            rebuild.setAutoCommit(false);
            SpanResult result = new RangeCells(new Buckets(ZoneOffset.UTC)).compare(rebuild, hour, true);
            assertThat(result.ledgerRows()).isEqualTo(2);
            s.execute("SET SESSION innodb_lock_wait_timeout = 1");

            assertLockWait(s, usage("r_new_in", "2026-11-22 10:30:00"));
            assertLockWait(s, "DELETE FROM usage_records WHERE request_id = 'r_in'");
            assertLockWait(s, adjustment("a_new_in", "2026-11-22 10:40:00"));
            assertThat(s.executeUpdate(usage("r_new_later", "2026-11-22 13:00:00"))).isOne();
            assertThat(s.executeUpdate(adjustment("a_new_later", "2026-11-22 13:00:00"))).isOne();
            // Next-key locks reach from the ledger row before the span to the one after it, no further.
            assertThat(s.executeUpdate(usage("r_new_before", "2026-11-22 06:00:00"))).isOne();
            assertThat(s.executeUpdate(adjustment("a_new_before", "2026-11-22 06:00:00"))).isOne();

            rebuild.commit();
            assertThat(s.executeUpdate(usage("r_new_in", "2026-11-22 10:30:00"))).isOne();
        }
    }

    private static void assertLockWait(Statement s, String sql) {
        assertThatThrownBy(() -> s.executeUpdate(sql)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(RetryClassifier.classify(e)).isEqualTo(RetryClassifier.Failure.LOCK_WAIT_TIMEOUT));
    }

    private static String usage(String id, String at) {
        return "INSERT INTO usage_records (request_id, occurred_at, api_key_id, model, reported_model, input_tokens, "
                + "output_tokens, cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, "
                + "real_cost_usd, rated_cost_usd, pricing_source, pricing_version, long_context) VALUES ('" + id
                + "', '" + at + "', 'key_a', 'm', 'm', 1, 1, 0, 0, 0, 0, 0.1, 0.2, 'relay', 'v', FALSE)";
    }

    private static String adjustment(String id, String at) {
        return "INSERT INTO cost_adjustments (adjustment_id, occurred_at, api_key_id, real_cost_usd, rated_cost_usd) "
                + "VALUES ('" + id + "', '" + at + "', 'key_a', -1, -1)";
    }
}
