package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The partitioning DDL as MySQL 8.4 (and MariaDB) runs it, asserted as text, and migration V8 running exactly that
 * text; {@code RetentionCommandIT} (ledger-cli) runs it on MariaDB.
 */
class LedgerPartitionsTest {

    @Test
    void partitionsByRangeColumnsOnOccurredAtWithTheCatchAllOnly() {
        assertThat(LedgerPartitions.partitionBy("usage_records")).isEqualTo("ALTER TABLE usage_records PARTITION BY "
                + "RANGE COLUMNS (occurred_at) (PARTITION p_future VALUES LESS THAN (MAXVALUE))");
        assertThat(LedgerPartitions.partitionBy("cost_adjustments")).isEqualTo("ALTER TABLE cost_adjustments "
                + "PARTITION BY RANGE COLUMNS (occurred_at) (PARTITION p_future VALUES LESS THAN (MAXVALUE))");
    }

    @Test
    void migrationV8RunsTheSameText() throws IOException {
        String v8;
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V8__ledger_partitioned_by_month.sql")) {
            assertThat(in).as("V8 on the classpath").isNotNull();
            v8 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String table : LedgerPartitions.TABLES) {
            assertThat(v8).contains("\n" + LedgerPartitions.partitionBy(table) + ";\n");
        }
    }

    @Test
    void createsMonthsBySplittingTheCatchAllAtUtcMonthStarts() {
        assertThat(LedgerPartitions.createMonths("usage_records",
                List.of(YearMonth.of(2026, 12), YearMonth.of(2027, 1), YearMonth.of(2027, 2))))
                .isEqualTo("ALTER TABLE usage_records REORGANIZE PARTITION p_future INTO ("
                        + "PARTITION p202612 VALUES LESS THAN ('2027-01-01 00:00:00'), "
                        + "PARTITION p202701 VALUES LESS THAN ('2027-02-01 00:00:00'), "
                        + "PARTITION p202702 VALUES LESS THAN ('2027-03-01 00:00:00'), "
                        + "PARTITION p_future VALUES LESS THAN (MAXVALUE))");
        assertThatThrownBy(() -> LedgerPartitions.createMonths("usage_records",
                List.of(YearMonth.of(2026, 12), YearMonth.of(2027, 2)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerPartitions.createMonths("usage_records", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dropsMonthPartitionsWhole() {
        assertThat(LedgerPartitions.dropMonths("cost_adjustments", List.of(YearMonth.of(2025, 9), YearMonth.of(2025, 10))))
                .isEqualTo("ALTER TABLE cost_adjustments DROP PARTITION p202509, p202510");
        assertThat(LedgerPartitions.countRows("usage_records", "p202509"))
                .isEqualTo("SELECT COUNT(*) FROM usage_records PARTITION (p202509)");
        assertThat(LedgerPartitions.countBetween("cost_adjustments"))
                .isEqualTo("SELECT COUNT(*) FROM cost_adjustments WHERE occurred_at >= ? AND occurred_at < ?");
        assertThat(LedgerPartitions.oldestInCatchAll("usage_records"))
                .isEqualTo("SELECT MIN(occurred_at) FROM usage_records PARTITION (p_future)");
    }

    @Test
    void namesMonthsAndReadsThemBack() {
        assertThat(LedgerPartitions.name(YearMonth.of(2027, 1))).isEqualTo("p202701");
        assertThat(LedgerPartitions.month("p202701")).contains(YearMonth.of(2027, 1));
        assertThat(LedgerPartitions.month("p_future")).isEmpty();
        assertThat(LedgerPartitions.month("p202713")).isEmpty();
        assertThat(LedgerPartitions.start(YearMonth.of(2027, 1))).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(LedgerPartitions.end(YearMonth.of(2027, 12))).isEqualTo(Instant.parse("2028-01-01T00:00:00Z"));
        assertThat(LedgerPartitions.monthOf(Instant.parse("2026-11-30T23:59:59.999Z"))).isEqualTo(YearMonth.of(2026, 11));
    }

    @Test
    void acceptsOnlyTheLedgerTablesAndItsPartitionNames() {
        assertThatThrownBy(() -> LedgerPartitions.partitionBy("usage_stats")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerPartitions.countRows("usage_records", "p1; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removesHourRowsAndClaimsInBoundedBatchesAlongAnIndexFromItsStart() {
        assertThat(RetentionSql.deleteHourly("usage_stats", 5000)).isEqualTo("DELETE FROM usage_stats WHERE "
                + "granularity = 'hour' AND bucket_start < ? ORDER BY granularity, bucket_start, api_key_id, model "
                + "LIMIT 5000");
        assertThat(RetentionSql.deleteHourly("model_stats", 10)).isEqualTo("DELETE FROM model_stats WHERE "
                + "granularity = 'hour' AND bucket_start < ? ORDER BY granularity, bucket_start, model LIMIT 10");
        assertThat(RetentionSql.deleteClaims(5000)).isEqualTo(
                "DELETE FROM ledger_event_ids WHERE occurred_at < ? ORDER BY occurred_at LIMIT 5000");
        assertThat(RetentionSql.hourlyTables())
                .containsExactly("usage_stats", "cost_stats", "account_usage_stats", "key_stats", "model_stats");
        assertThatThrownBy(() -> RetentionSql.deleteHourly("usage_records", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
