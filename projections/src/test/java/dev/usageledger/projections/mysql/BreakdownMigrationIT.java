package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.stack.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Schema V3 moves the cost breakdown into usage_records: rows written under V1/V2 keep theirs. */
class BreakdownMigrationIT {

    @Test
    void v3CopiesExistingBreakdownsIntoTheLedgerRowAndDropsTheTable() throws SQLException {
        String url = TestDatabase.freshDatabase("v3", "2");
        try (Connection c = DriverManager.getConnection(url, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD);
                Statement s = c.createStatement()) {
            for (String id : new String[] {"priced", "unpriced"}) {
                s.execute("INSERT INTO usage_records (request_id, occurred_at, api_key_id, model, reported_model, "
                        + "input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, "
                        + "ephemeral_1h_tokens, real_cost_usd, rated_cost_usd, pricing_source, pricing_version, "
                        + "long_context) VALUES ('" + id + "', '2026-11-22 10:00:00.000', 'k', 'm', 'm', 1, 1, 0, 0, "
                        + "0, 0, 0.5, 0.5, 'catalog', 'v', FALSE)");
            }
            s.execute("INSERT INTO usage_cost_breakdowns VALUES ('priced', '2026-11-22 10:00:00.000', 0.1, 0.2, "
                    + "0.05, 0.05, 0.1)");

            TestDatabase.migrate(url, null);

            try (ResultSet rs = s.executeQuery("SELECT request_id, input_cost_usd, output_cost_usd, "
                    + "cache_write_5m_cost_usd, cache_write_1h_cost_usd, cache_read_cost_usd FROM usage_records "
                    + "ORDER BY request_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("priced");
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("0.1");
                assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("0.2");
                assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("0.05");
                assertThat(rs.getBigDecimal(5)).isEqualByComparingTo("0.05");
                assertThat(rs.getBigDecimal(6)).isEqualByComparingTo("0.1");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("unpriced");
                for (int i = 2; i <= 6; i++) {
                    assertThat(rs.getBigDecimal(i)).isNull();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
                    + "WHERE table_schema = DATABASE() AND table_name = 'usage_cost_breakdowns'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }
}
