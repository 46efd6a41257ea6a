package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.adjustment;
import static dev.usageledger.fixtures.IngestJson.batch;
import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static dev.usageledger.fixtures.IngestJson.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usageledger.fixtures.TestStack;
import dev.usageledger.stack.KafkaBroker;
import dev.usageledger.stack.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service started while its Kafka is down, then given a broker, which is then stopped and started again. Its own
 * broker and context: the steps build on each other and run in order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ledger.security.relay-tokens=relay-a:" + KafkaOutageIT.RELAY_TOKEN,
        "ledger.security.admin-tokens=ops:" + KafkaOutageIT.ADMIN_TOKEN,
        "ledger.kafka.topic=" + KafkaOutageIT.TOPIC,
        "ledger.kafka.partitions=2",
        "ledger.kafka.health-timeout=1s",
        "ledger.kafka.health-cache-ttl=0s",
        "ledger.ingest.publish-timeout=2s",
        "ledger.limits.change-publish-timeout=1s",
        "ledger.kafka.limits-topic=" + KafkaOutageIT.LIMITS_TOPIC,
        "spring.kafka.admin.operation-timeout=2s",
        "spring.kafka.admin.properties.default.api.timeout.ms=2000",
        "spring.kafka.admin.properties.request.timeout.ms=2000",
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaOutageIT {

    static final String RELAY_TOKEN = "outage-relay-token-0123456789";
    static final String ADMIN_TOKEN = "outage-admin-token-0123456789";
    static final String TOPIC = "outage-usage-events";
    static final String LIMITS_TOPIC = "outage-limits-changes";
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);
    /** Answer time allowed on top of the publish timeout: HTTP, JSON and a loaded CI machine. */
    static final Duration SLACK = Duration.ofMillis(1500);

    private static final int KAFKA_PORT = Ports.freePort();
    private static final Path KAFKA_DATA = TestStack.newDataDir("outage-kafka-");
    private static KafkaBroker broker;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + KAFKA_PORT);
        registry.add("spring.datasource.url", () -> TestStack.migratedDatabase(LiveKafkaContext.DATABASE).jdbcUrl());
        registry.add("ledger.redis.uri", () -> TestStack.get().redisUri());
    }

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void startsWithoutKafkaAndReportsReadinessDownButLivenessUp() {
        Api.Answer readiness = api.get("/actuator/health/readiness", ADMIN_TOKEN);

        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(readiness.json().get("components").get("kafka").get("status").asString()).isEqualTo("DOWN");
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void answers503WithinThePublishTimeoutWhileKafkaIsDown() {
        for (int attempt = 0; attempt < 2; attempt++) {
            Api.Answer answer = api.post("/v1/usage-events", RELAY_TOKEN, batch(usage(uniqueId("req"),
                    uniqueId("key"))));

            assertThat(answer.status()).as(answer.body()).isEqualTo(503);
            assertThat(answer.json().get("error").asString()).isEqualTo("unavailable");
            assertThat(answer.json().get("message").asString()).isNotBlank();
            assertThat(answer.millis()).isLessThan(PUBLISH_TIMEOUT.plus(SLACK).toMillis());
        }
        Api.Answer adjustment = api.post("/v1/cost-adjustments", ADMIN_TOKEN,
                adjustment(uniqueId("adj"), uniqueId("key")).toString());
        assertThat(adjustment.status()).isEqualTo(503);
        // Validation and auth still answer without Kafka.
        assertThat(api.post("/v1/usage-events", RELAY_TOKEN, "{\"events\": []}").status()).isEqualTo(400);
        assertThat(api.post("/v1/usage-events", null, "{}").status()).isEqualTo(401);
    }

    @Test
    @Order(3)
    void aChangeOfLimitsStandsWhileKafkaIsDownAndItsUnpublishedEventIsCounted() {
        String key = uniqueId("key");

        Api.Answer put = api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, "{\"dailyCostUsd\":\"2\"}");

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        // at most one attempt to provision the topics — a describe and a create, admin timeout 2 s each (an attempt
        // another caller was making is waited for, never followed by one of its own: TopicProvisionerTest) — and the
        // publish timeout (1 s)
        assertThat(put.millis()).isLessThan(Duration.ofSeconds(5).plus(SLACK).toMillis());
        Api.Answer got = api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null);
        assertThat(got.json().get("limits").get("dailyCostUsd").asString()).isEqualTo("2");
        assertThat(api.get("/actuator/prometheus").body()).containsPattern(
                "ledger_limits_changes_published_total\\{application=\"relay-api\",outcome=\"failure\"} [1-9]");
    }

    @Test
    @Order(4)
    void acceptsOnceKafkaIsUpAndCreatesTheTopicsItCouldNotCreateAtStartUp() throws Exception {
        broker = KafkaBroker.start(KAFKA_DATA, KAFKA_PORT);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("/actuator/health/readiness").status() == 200);
        String key = uniqueId("key");
        acceptedEventually(key);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of(TOPIC, TOPIC + ".DLT", LIMITS_TOPIC)).allTopicNames().get();
            assertThat(topics.get(TOPIC).partitions()).hasSize(2);
            assertThat(topics.get(TOPIC + ".DLT").partitions()).hasSize(2);
            assertThat(topics.get(LIMITS_TOPIC).partitions()).hasSize(1);
        }
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), TOPIC, true)) {
            Map<org.apache.kafka.common.TopicPartition, Long> start = reader.endOffsets();
            start.replaceAll((partition, offset) -> 0L);
            assertThat(reader.readAfter(start, Duration.ofSeconds(15),
                    messages -> messages.stream().anyMatch(m -> key.equals(m.key()))))
                    .anyMatch(m -> key.equals(m.key()));
        }
    }

    @Test
    @Order(5)
    void answers503WhenTheBrokerStopsAndAcceptsAgainWhenItReturns() throws Exception {
        broker.close();

        Api.Answer answer = api.post("/v1/usage-events", RELAY_TOKEN, batch(usage(uniqueId("req"),
                uniqueId("key"))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.millis()).isLessThan(PUBLISH_TIMEOUT.plus(SLACK).toMillis());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("/actuator/health/readiness").status() == 503);

        broker = KafkaBroker.start(KAFKA_DATA, KAFKA_PORT);

        acceptedEventually(uniqueId("key"));
        assertThat(api.get("/actuator/prometheus").body())
                .containsPattern("ledger_ingest_requests_total\\{application=\"relay-api\",endpoint=\"usage-events\","
                        + "outcome=\"unavailable\"} [1-9]")
                .contains("ledger_ingest_publish_seconds_count{application=\"relay-api\",outcome=\"failure\"}");
    }

    /** Posts until 202 (a producer may still be reconnecting); every answer on the way is 202 or 503, never 500. */
    private void acceptedEventually(String key) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Api.Answer answer = api.post("/v1/usage-events", RELAY_TOKEN, batch(usage(uniqueId("req"), key)));
            assertThat(answer.status()).as(answer.body()).isIn(202, 503);
            return answer.status() == 202;
        });
    }
}
