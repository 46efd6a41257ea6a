package dev.usageledger.cli.crs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The baseline's SQL text, as MySQL and MariaDB run it (ImportCrsCommandIT executes it). */
class BaselineSqlTest {

    @Test
    void anUpsertWritesOnlyItsValueColumnsAndLeavesAnIdenticalRowUntouched() {
        assertThat(BaselineSql.upsert("crs_totals", BaselineSql.TOTALS_KEY, List.of("rated_cost_usd"), 2)).isEqualTo(
                "INSERT INTO crs_totals (import_id, subject_kind, granularity, bucket_start, subject_id, rated_cost_usd)"
                        + " VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE rated_cost_usd = VALUES(rated_cost_usd)");
    }

    @Test
    void theResidualIsWhatTheTotalCountsBeyondTheModelRowsWithUnknownCost() {
        String sql = BaselineSql.residual("crs_usage", "api_key_id", "key", true);
        assertThat(sql).startsWith("INSERT INTO crs_usage (import_id, granularity, bucket_start, api_key_id, model, "
                + "requests, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, "
                + "ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd, rated_cost_usd)");
        assertThat(sql).contains("SELECT r.import_id, r.granularity, r.bucket_start, r.subject_id, '', r.requests",
                ", NULL, NULL\n", "GREATEST(t.requests - COALESCE(m.requests, 0), 0) AS requests",
                "FROM crs_usage WHERE import_id = ? AND model <> ''", "t.subject_kind = 'key' AND t.requests IS NOT NULL",
                "WHERE r.requests > 0 OR r.input_tokens > 0", "ON DUPLICATE KEY UPDATE requests = VALUES(requests)");
        assertThat(BaselineSql.residual("crs_account_usage", "account_id", "account", false))
                .doesNotContain("cost").contains("t.subject_kind = 'account'");
    }
}
