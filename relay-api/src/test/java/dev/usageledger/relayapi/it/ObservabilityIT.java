package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.batch;
import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static dev.usageledger.fixtures.IngestJson.usage;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import dev.usageledger.fixtures.HealthVisibility;
import dev.usageledger.fixtures.TestStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, topics and metrics of a service whose Kafka is up. */
class ObservabilityIT extends LiveKafkaContext {

    @Test
    void reportsReadinessUpWhileKafkaAnswers() {
        Api.Answer readiness = api.get("/actuator/health/readiness", ADMIN_TOKEN);

        assertThat(readiness.status()).as(readiness.body()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().get("components").get("kafka").get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    void healthShowsItsComponentsOnlyToAnAdminToken() {
        HealthVisibility.assertDetailsOnlyForAdmins("http://127.0.0.1:" + port, ADMIN_TOKEN, RELAY_TOKEN);
    }

    @Test
    void createsTheEventsAndDeadLetterTopicsWithTheConfiguredPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestStack.get().bootstrapServers()))) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of(TOPIC, TOPIC + ".DLT")).allTopicNames().get();
            assertThat(topics.get(TOPIC).partitions()).hasSize(3);
            assertThat(topics.get(TOPIC + ".DLT").partitions()).hasSize(3);
        }
    }

    @Test
    void exposesIngestCountersPublishLatencyProducerAndJvmMetricsToPrometheus() {
        assertThat(api.post("/v1/usage-events", RELAY_TOKEN, batch(usage(uniqueId("req"), uniqueId("key"))))
                .status()).isEqualTo(202);
        assertThat(api.post("/v1/usage-events", null, "{}").status()).isEqualTo(401);
        assertThat(api.post("/v1/usage-events", RELAY_TOKEN, "{\"events\": [{}]}").status()).isEqualTo(400);

        Api.Answer scrape = api.get("/actuator/prometheus");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body())
                .containsPattern("ledger_ingest_events_total\\{application=\"relay-api\",outcome=\"accepted\","
                        + "reason=\"none\"} [1-9]")
                .containsPattern("ledger_ingest_events_total\\{application=\"relay-api\",outcome=\"rejected\","
                        + "reason=\"invalid\"} [1-9]")
                .contains("ledger_ingest_events_total{application=\"relay-api\",outcome=\"rejected\","
                        + "reason=\"too_large\"}")
                .containsPattern("ledger_ingest_requests_total\\{application=\"relay-api\",endpoint=\"usage-events\","
                        + "outcome=\"accepted\"} [1-9]")
                .containsPattern("ledger_ingest_requests_total\\{application=\"relay-api\",endpoint=\"usage-events\","
                        + "outcome=\"unauthorized\"} [1-9]")
                .containsPattern("ledger_ingest_requests_total\\{application=\"relay-api\",endpoint=\"usage-events\","
                        + "outcome=\"invalid\"} [1-9]")
                .contains("outcome=\"too_large\"", "outcome=\"unavailable\"")
                .contains("ledger_ingest_publish_seconds_bucket{application=\"relay-api\",outcome=\"success\"")
                .contains("kafka_producer_record_send_total")
                .contains("jvm_memory_used_bytes");
    }
}
