package dev.usageledger.demo.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.demo.dashboards.PromQl.MetricRef;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricNamesAndTheirJobsButNotFunctionsLabelsOrDurations() {
        assertThat(PromQl.metrics("histogram_quantile(0.99, sum by (le, outcome) "
                + "(rate(ledger_ingest_publish_seconds_bucket[5m])))"))
                .containsExactly(new MetricRef("ledger_ingest_publish_seconds_bucket", null));
        assertThat(PromQl.metrics("max by (client_id) (kafka_consumer_fetch_manager_records_lag_max"
                + "{job=\"usage-consumer\"}) > 1000 and deriv(max by (client_id) (lag_x{job=\"usage-consumer\"})"
                + "[10m:1m]) > 0"))
                .containsExactly(new MetricRef("kafka_consumer_fetch_manager_records_lag_max", "usage-consumer"),
                        new MetricRef("lag_x", "usage-consumer"));
        assertThat(PromQl.metrics("sum(rate(a_total[5m])) / sum(rate(b_count[5m])) or vector(0) == bool 1e3"))
                .containsExactly(new MetricRef("a_total", null), new MetricRef("b_count", null));
        assertThat(PromQl.metrics("sum(up{job=\"relay-api\"}) + on (instance) group_left (x) c"))
                .containsExactly(new MetricRef("up", "relay-api"), new MetricRef("c", null));
    }
}
