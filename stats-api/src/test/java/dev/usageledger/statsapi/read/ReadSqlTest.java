package dev.usageledger.statsapi.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.statsapi.read.ReadSql.Projection;
import dev.usageledger.statsapi.read.ReadSql.Table;
import org.junit.jupiter.api.Test;

class ReadSqlTest {

    @Test
    void storedSumsReadRangesOfBucketStartsPerGroup() {
        assertThat(ReadSql.storedSums(Table.COST_STATS, Dimension.MODEL, new Filters("key_a", null, null), 2))
                .isEqualTo("SELECT bucket_start, model, 0, 0, 0, 0, 0, 0, 0, SUM(real_cost_usd), SUM(rated_cost_usd), 0 "
                        + "FROM cost_stats WHERE granularity = ? AND ((bucket_start >= ? AND bucket_start < ?) OR "
                        + "(bucket_start >= ? AND bucket_start < ?)) AND api_key_id = ? GROUP BY bucket_start, model");
    }

    @Test
    void baselineSumsReadOneImportAndCountTheRequestsOfUnknownCost() {
        assertThat(ReadSql.storedSums(Projection.KEY_ROLLUP.baseline, Dimension.NONE, new Filters("key_a", null, null),
                1)).isEqualTo("SELECT bucket_start, NULL, SUM(requests), SUM(input_tokens), SUM(output_tokens), "
                        + "SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), "
                        + "SUM(ephemeral_1h_tokens), SUM(real_cost_usd), SUM(rated_cost_usd), 0, SUM(CASE WHEN "
                        + "real_cost_usd IS NULL OR rated_cost_usd IS NULL THEN requests ELSE 0 END) FROM crs_usage "
                        + "WHERE import_id = ? AND granularity = ? AND ((bucket_start >= ? AND bucket_start < ?)) "
                        + "AND api_key_id = ? GROUP BY bucket_start");
        assertThat(Projection.ACCOUNT.baseline).isEqualTo(Table.CRS_ACCOUNT_USAGE);
        var parts = java.util.List.of(new ReadSql.StoredPart(Table.CRS_ACCOUNT_USAGE, 1));
        assertThat(ReadSql.topRanks(parts, Projection.ACCOUNT, Dimension.ACCOUNT_ID, 0, Ranking.REQUESTS))
                .isEqualTo("SELECT grp FROM (SELECT account_id AS grp, SUM(requests) AS m0 FROM crs_account_usage "
                        + "WHERE import_id = ? AND granularity = ? AND ((bucket_start >= ? AND bucket_start < ?)) "
                        + "GROUP BY account_id) AS parts GROUP BY grp HAVING SUM(m0) > 0 ORDER BY SUM(m0) DESC, grp "
                        + "LIMIT ?");
    }

    @Test
    void ledgerSumsOfTheAccountProjectionCountOnlyRowsNamingAnAccount() {
        assertThat(ReadSql.ledgerSums(Table.USAGE_RECORDS, Projection.ACCOUNT, Dimension.NONE, Filters.NONE, 7, 1))
                .isEqualTo("SELECT 7, NULL, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_create_tokens), "
                        + "SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens), "
                        + "SUM(real_cost_usd), SUM(rated_cost_usd), SUM(pricing_source = 'unpriced') FROM usage_records "
                        + "WHERE occurred_at >= ? "
                        + "AND occurred_at < ? AND account_id IS NOT NULL");
    }

    @Test
    void eachGroupingAndFilterReadsTheProjectionWithTheFewestRows() {
        assertThat(Projection.of(Dimension.NONE, Filters.NONE)).isEqualTo(Projection.MODEL_ROLLUP);
        assertThat(Projection.of(Dimension.MODEL, new Filters(null, "m", null))).isEqualTo(Projection.MODEL_ROLLUP);
        assertThat(Projection.of(Dimension.API_KEY_ID, Filters.NONE)).isEqualTo(Projection.KEY_ROLLUP);
        assertThat(Projection.of(Dimension.API_KEY_ID, new Filters(null, "m", null))).isEqualTo(Projection.KEY);
        assertThat(Projection.of(Dimension.NONE, new Filters("k", null, null))).isEqualTo(Projection.KEY_ROLLUP);
        assertThat(Projection.of(Dimension.API_KEY_ID, new Filters("k", null, null)))
                .isEqualTo(Projection.KEY_ROLLUP);
        assertThat(Projection.of(Dimension.NONE, new Filters("k", "m", null))).isEqualTo(Projection.KEY);
        assertThat(Projection.of(Dimension.MODEL, new Filters("k", null, null))).isEqualTo(Projection.KEY);
        assertThat(Projection.of(Dimension.ACCOUNT_ID, Filters.NONE)).isEqualTo(Projection.ACCOUNT);
        assertThat(Projection.of(Dimension.MODEL, new Filters(null, null, "a"))).isEqualTo(Projection.ACCOUNT);
    }

    @Test
    void aTopListRanksByTheRankedMeasuresAloneThenSumsTheWinnersThroughTheirIndex() {
        var parts = java.util.List.of(new ReadSql.StoredPart(Table.KEY_STATS, 1));
        assertThat(ReadSql.topRanks(parts, Projection.KEY_ROLLUP, Dimension.API_KEY_ID, 1, Ranking.TOKENS))
                .isEqualTo("SELECT grp FROM (SELECT api_key_id AS grp, SUM(input_tokens) + SUM(output_tokens) + "
                        + "SUM(cache_create_tokens) + SUM(cache_read_tokens) AS m0 FROM key_stats WHERE granularity = ? "
                        + "AND ((bucket_start >= ? AND bucket_start < ?)) GROUP BY api_key_id UNION ALL "
                        + "SELECT api_key_id AS grp, SUM(input_tokens) + SUM(output_tokens) + SUM(cache_create_tokens) + "
                        + "SUM(cache_read_tokens) AS m0 FROM usage_records WHERE occurred_at >= ? AND occurred_at < ? "
                        + "GROUP BY api_key_id UNION ALL SELECT api_key_id AS grp, 0 + 0 + 0 + 0 AS m0 "
                        + "FROM cost_adjustments WHERE occurred_at >= ? AND occurred_at < ? GROUP BY api_key_id) AS parts "
                        + "GROUP BY grp HAVING SUM(m0) > 0 ORDER BY SUM(m0) DESC, grp LIMIT ?");
        assertThat(ReadSql.top(parts, Projection.KEY_ROLLUP, Dimension.API_KEY_ID, 0, Ranking.RATED_COST, 2))
                .contains(" FROM key_stats WHERE granularity = ? AND ((bucket_start >= ? AND bucket_start < ?)) "
                        + "AND api_key_id IN (?, ?) GROUP BY api_key_id) AS parts GROUP BY grp HAVING SUM(m0) <> 0 OR ")
                .endsWith(" ORDER BY SUM(m8) DESC, grp LIMIT ?");
    }

    @Test
    void aLedgerPageIsAKeysetWalkInTimeOrder() {
        assertThat(ReadSql.ledgerPage(Filters.NONE, true, true)).endsWith("FROM usage_records WHERE occurred_at >= ? "
                + "AND occurred_at < ? AND (occurred_at > ? OR (occurred_at = ? AND request_id > ?)) "
                + "ORDER BY occurred_at, request_id LIMIT ?");
    }
}
