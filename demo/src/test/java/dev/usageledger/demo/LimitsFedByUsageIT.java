package dev.usageledger.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usageledger.fixtures.TestStack;
import dev.usageledger.stack.EmbeddedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Limits fed by usage, through the whole pipeline as processes: relay-api ingest → Kafka → usage-consumer's counters
 * projection → Redis → relay-api admission. Token and cost windows and the daily quota deny once reported usage
 * reaches them; a resend changes nothing; with Redis stopped, ingest still answers 202 and events reach MySQL,
 * admission fails open; after Redis returns (empty), the counters are rebuilt from MySQL and the limits hold again.
 */
class LimitsFedByUsageIT {

    private static final Duration PIPELINE = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static EmbeddedStack stack;
    private static LedgerApps apps;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stack = TestStack.get();
        Path logs = Files.createDirectories(stack.baseDir().resolve("limits-fed-" + UUID.randomUUID()));
        apps = new LedgerApps(stack, logs, 0, 0).consumerArgs("--ledger.counters.idle-interval=500ms",
                "--ledger.counters.retry-backoff=200ms");
        apps.startAll();
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.stop();
        }
    }

    @AfterEach
    void redisBack() {
        stack.redis().start();
    }

    @Test
    void deniesOnceUsageReportedThroughIngestReachesTheLimitsAndCountsAResendOnce() throws Exception {
        String tokensKey = key("tokens");
        String costKey = key("cost");
        String dailyKey = key("daily");
        putLimits(tokensKey, "{\"windowSeconds\":3600,\"tokensPerWindow\":10000}");
        putLimits(costKey, "{\"windowSeconds\":3600,\"costPerWindowUsd\":\"1\"}");
        putLimits(dailyKey, "{\"dailyCostUsd\":\"1\"}");
        assertThat(admit(tokensKey).status).isEqualTo(200);

        List<ObjectNode> events = new ArrayList<>();
        for (String key : List.of(tokensKey, costKey, dailyKey)) {
            events.add(usage(key, 6000, "0.6"));
            events.add(usage(key, 6000, "0.6"));
        }
        assertThat(post(events)).isEqualTo(202);

        awaitDenied(tokensKey, 429, "tokens_per_window");
        awaitDenied(costKey, 429, "cost_per_window");
        awaitDenied(dailyKey, 402, "daily_cost");
        JsonNode tokensUsage = usageOf(tokensKey);
        assertThat(tokensUsage.get("windowTokens").asLong()).isEqualTo(12_000);
        assertThat(usageOf(costKey).get("windowCostUsd").asString()).isEqualTo("1.2");
        assertThat(usageOf(dailyKey).get("dailyCostUsd").asString()).isEqualTo("1.2");

        // The relay resends the same usage; then one new request per key, behind the resends in each key's partition.
        JsonNode costBefore = usageOf(costKey);
        JsonNode dailyBefore = usageOf(dailyKey);
        assertThat(post(events)).isEqualTo(202);
        assertThat(post(List.of(usage(tokensKey, 1, "0.0000000001"), usage(costKey, 1, "0.0000000001"),
                usage(dailyKey, 1, "0.0000000001")))).isEqualTo(202);
        await().atMost(PIPELINE).until(() -> usageOf(tokensKey).get("windowTokens").asLong() != 12_000);
        await().atMost(PIPELINE).until(() -> !usageOf(dailyKey).get("totalCostUsd").asString().equals("1.2"));
        await().atMost(PIPELINE).until(() -> !usageOf(costKey).get("totalCostUsd").asString().equals("1.2"));
        assertThat(usageOf(tokensKey).get("windowTokens").asLong()).as("resent tokens are not counted again")
                .isEqualTo(12_001);
        ObjectNode costAfter = (ObjectNode) usageOf(costKey);
        ObjectNode dailyAfter = (ObjectNode) usageOf(dailyKey);
        assertThat(costAfter.get("windowCostUsd").asString()).isEqualTo("1.2000000001");
        assertThat(dailyAfter.get("dailyCostUsd").asString()).isEqualTo("1.2000000001");
        assertThat(costBefore.get("windowCostUsd").asString()).isEqualTo("1.2");
        assertThat(dailyBefore.get("totalCostUsd").asString()).isEqualTo("1.2");
    }

    @Test
    void rebuildsTheCountersFromMySqlWhenRedisReturnsEmptyWhileIngestCarriesOn() throws Exception {
        String key = key("outage");
        putLimits(key, "{\"dailyCostUsd\":\"1\",\"windowSeconds\":3600,\"tokensPerWindow\":1000000}");
        assertThat(post(List.of(usage(key, 100, "0.6"), usage(key, 100, "0.6")))).isEqualTo(202);
        awaitDenied(key, 402, "daily_cost");

        stack.redis().stop();
        ObjectNode during = usage(key, 100, "0.1");
        assertThat(post(List.of(during))).as("ingest never needs Redis").isEqualTo(202);
        await().atMost(PIPELINE).until(() -> inLedger(during.get("requestId").asString()));
        Answer degraded = admit(key);
        assertThat(degraded.status).as(degraded.body.toString()).isEqualTo(200); // fail-open, the default policy
        assertThat(degraded.body.get("leaseId").isNull()).isTrue();

        stack.redis().start(); // empty: every counter is gone
        awaitDenied(key, 402, "daily_cost");
        await().atMost(PIPELINE).untilAsserted(() -> {
            JsonNode u = usageOf(key);
            assertThat(u.get("dailyCostUsd").asString()).isEqualTo("1.3");
            assertThat(u.get("totalCostUsd").asString()).isEqualTo("1.3");
            assertThat(u.get("windowTokens").asLong()).isEqualTo(300);
        });
    }

    private static String key(String what) {
        return "fed-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ObjectNode usage(String key, long inputTokens, String ratedUsd) {
        ObjectNode e = JSON.createObjectNode();
        e.put("requestId", "req-" + UUID.randomUUID());
        e.put("occurredAt", Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS).toString());
        e.put("apiKeyId", key);
        e.put("model", "claude-sonnet-4-5-20250929");
        ObjectNode usage = e.putObject("usage");
        usage.put("inputTokens", inputTokens);
        usage.put("outputTokens", 0);
        ObjectNode cost = e.putObject("cost");
        cost.put("realUsd", ratedUsd);
        cost.put("ratedUsd", ratedUsd);
        return e;
    }

    private int post(List<ObjectNode> events) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(array::add);
        return new RelayClient(apps.relayUrl()).postUsage(array, LedgerApps.RELAY_TOKEN);
    }

    private void putLimits(String key, String body) throws Exception {
        Answer a = call("PUT", "/v1/keys/" + key + "/limits", LedgerApps.ADMIN_TOKEN, body);
        assertThat(a.status).as(a.body.toString()).isEqualTo(200);
    }

    private JsonNode usageOf(String key) throws Exception {
        Answer a = call("GET", "/v1/keys/" + key + "/limits", LedgerApps.ADMIN_TOKEN, null);
        assertThat(a.status).as(a.body.toString()).isEqualTo(200);
        return a.body.get("usage");
    }

    private Answer admit(String key) throws Exception {
        return call("POST", "/v1/admissions", LedgerApps.RELAY_TOKEN,
                "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"adm-" + UUID.randomUUID() + "\"}");
    }

    private void awaitDenied(String key, int status, String reason) {
        await().atMost(PIPELINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Answer a = admit(key);
            assertThat(a.status).as(a.body.toString()).isEqualTo(status);
            assertThat(a.body.get("reason").asString()).isEqualTo(reason);
        });
    }

    private boolean inLedger(String requestId) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "root", "");
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM usage_records WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private record Answer(int status, JsonNode body) {}

    private Answer call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apps.relayUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
    }
}
