package dev.usageledger.demo.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.demo.dashboards.GrafanaSql.Choice;
import dev.usageledger.demo.dashboards.GrafanaSql.Variable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrafanaSqlTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");
    private static final Variable KEY = new Variable("key", true, true, "'__all'", List.of());
    private static final Variable GRANULARITY = new Variable("granularity", false, false, null,
            List.of("hour", "day", "month"));
    private final GrafanaSql grafana = new GrafanaSql(FROM, TO, Duration.ofHours(1));

    @Test
    void expandsTheTimeMacrosAsTheMySqlDataSourceDoes() {
        assertThat(grafana.expand("WHERE $__timeFilter(c.bucket_start) AND x < $__timeTo() AND x > $__timeFrom()",
                Map.of())).isEqualTo("WHERE c.bucket_start BETWEEN FROM_UNIXTIME(1793491200) AND FROM_UNIXTIME("
                + "1793577600) AND x < FROM_UNIXTIME(1793577600) AND x > FROM_UNIXTIME(1793491200)");
        assertThat(grafana.expand("SELECT $__timeGroupAlias(occurred_at, $__interval)", Map.of()))
                .isEqualTo("SELECT cast(cast(UNIX_TIMESTAMP(occurred_at)/(3600) as signed)*3600 as signed) AS \"time\"");
        assertThat(grafana.expand("$__timeGroup(t, '5m')", Map.of()))
                .isEqualTo("cast(cast(UNIX_TIMESTAMP(t)/(300) as signed)*300 as signed)");
    }

    @Test
    void formatsVariablesAndInsertsTheCustomAllValueUnformatted() {
        String sql = "('__all' IN (${key:sqlstring}) OR api_key_id IN ($key)) AND g = '${granularity}'";
        Choice day = Choice.of(GRANULARITY, "day");
        assertThat(grafana.expand(sql, Map.of("key", Choice.all(KEY), "granularity", day)))
                .isEqualTo("('__all' IN ('__all') OR api_key_id IN ('__all')) AND g = 'day'");
        assertThat(grafana.expand(sql, Map.of("key", Choice.of(KEY, "k1", "o'k"), "granularity", day)))
                .isEqualTo("('__all' IN ('k1','o''k') OR api_key_id IN ('k1','o''k')) AND g = 'day'");
        assertThat(grafana.expand("${key:raw}", Map.of("key", Choice.of(KEY, "a", "b")))).isEqualTo("a,b");
    }

    @Test
    void refusesWhatItDoesNotSubstitute() {
        assertThatThrownBy(() -> grafana.expand("$__unixEpochFilter(t)", Map.of()))
                .hasMessageContaining("$__unixEpochFilter");
        assertThatThrownBy(() -> grafana.expand("$model", Map.of())).hasMessageContaining("$model");
        assertThatThrownBy(() -> grafana.expand("${key:csv}", Map.of("key", Choice.of(KEY, "a"))))
                .hasMessageContaining("csv");
        Variable noAllValue = new Variable("m", true, true, null, List.of());
        assertThatThrownBy(() -> grafana.expand("$m", Map.of("m", Choice.all(noAllValue))))
                .hasMessageContaining("custom all value");
    }
}
