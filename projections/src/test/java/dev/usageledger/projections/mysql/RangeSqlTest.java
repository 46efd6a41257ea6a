package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangeSqlTest {

    @Test
    void everyStatsMeasureHasItsValueInALedgerRow() {
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            assertThat(RangeSql.FROM_USAGE_RECORDS.keySet()).as(t.table).containsAll(t.measures());
        }
        assertThat(RangeSql.allMeasures()).containsExactly("requests", "unpriced_requests", "input_tokens", "output_tokens",
                "cache_create_tokens", "cache_read_tokens", "ephemeral_5m_tokens", "ephemeral_1h_tokens",
                "real_cost_usd", "rated_cost_usd");
    }

    @Test
    void theLockingLedgerReadStreamsRowsWithTheirSlotUnderSharedLocksAndAdjustmentsWalkTheirTimeIndex() {
        assertThat(RangeSql.ledgerRows("usage_records", RangeSql.FROM_USAGE_RECORDS, true)).isEqualTo(
                "SELECT TIMESTAMPDIFF(SECOND, ?, occurred_at) DIV ?, api_key_id, account_id, model, "
                        + "1, pricing_source = 'unpriced', input_tokens, output_tokens, cache_create_tokens, "
                        + "cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, "
                        + "real_cost_usd, rated_cost_usd FROM usage_records "
                        + "WHERE occurred_at >= ? AND occurred_at < ? LOCK IN SHARE MODE");
        assertThat(RangeSql.ledgerRows("cost_adjustments", RangeSql.FROM_COST_ADJUSTMENTS, false)).isEqualTo(
                "SELECT TIMESTAMPDIFF(SECOND, ?, occurred_at) DIV ?, api_key_id, account_id, model, "
                        + "0, 0, 0, 0, 0, 0, 0, 0, real_cost_usd, rated_cost_usd "
                        + "FROM cost_adjustments FORCE INDEX (ix_cost_adjustments_time) "
                        + "WHERE occurred_at >= ? AND occurred_at < ?");
    }

    @Test
    void storedCellsAreLockedInPrimaryKeyOrderAndWrittenByKey() {
        assertThat(RangeSql.storedCells(ProjectionSql.StatsTable.COST, true)).isEqualTo(
                "SELECT DATE_FORMAT(bucket_start, '%Y-%m-%d %H:%i:%s'), api_key_id, model, real_cost_usd, "
                        + "rated_cost_usd FROM cost_stats WHERE granularity = ? AND bucket_start >= ? "
                        + "AND bucket_start < ? ORDER BY bucket_start, api_key_id, model FOR UPDATE");
        assertThat(RangeSql.updateCell(ProjectionSql.StatsTable.ACCOUNT_USAGE)).startsWith(
                "UPDATE account_usage_stats SET requests = ?, unpriced_requests = ?, input_tokens = ?").endsWith(
                "rated_cost_usd = ? WHERE granularity = ? AND bucket_start = ? AND account_id = ? AND model = ?");
        assertThat(RangeSql.insertCell(ProjectionSql.StatsTable.COST)).isEqualTo(
                "INSERT INTO cost_stats (granularity, bucket_start, api_key_id, model, real_cost_usd, rated_cost_usd) "
                        + "VALUES (?, ?, ?, ?, ?, ?)");
        assertThat(RangeSql.deleteCell(ProjectionSql.StatsTable.USAGE)).isEqualTo(
                "DELETE FROM usage_stats WHERE granularity = ? AND bucket_start = ? AND api_key_id = ? AND model = ?");
    }

    @Test
    void aRollupsKeyHasNoModel() {
        assertThat(RangeSql.storedCells(ProjectionSql.StatsTable.MODEL_ROLLUP, false)).startsWith(
                "SELECT DATE_FORMAT(bucket_start, '%Y-%m-%d %H:%i:%s'), model, '', requests, ").endsWith(
                " FROM model_stats WHERE granularity = ? AND bucket_start >= ? AND bucket_start < ? "
                        + "ORDER BY bucket_start, model");
        assertThat(RangeSql.deleteCell(ProjectionSql.StatsTable.KEY_ROLLUP)).isEqualTo(
                "DELETE FROM key_stats WHERE granularity = ? AND bucket_start = ? AND api_key_id = ?");
        assertThat(RangeSql.insertCell(ProjectionSql.StatsTable.KEY_ROLLUP)).startsWith(
                "INSERT INTO key_stats (granularity, bucket_start, api_key_id, requests, ").endsWith(
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
}
