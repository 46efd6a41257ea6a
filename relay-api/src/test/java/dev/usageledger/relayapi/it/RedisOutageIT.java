package dev.usageledger.relayapi.it;

import static dev.usageledger.fixtures.IngestJson.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.IngestJson;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.stack.EmbeddedRedis;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped under a running relay-api (failure policy open, the default): ingest still answers 202, readiness
 * stays UP, admission allows without a lease and says so in health and metrics; once Redis is back, limits are
 * enforced again.
 */
class RedisOutageIT extends RedisOutageContext {

    @Test
    void admissionFailsOpenWhileRedisIsDownAndIngestIsUnaffected() {
        String key = newKey("outage");
        assertThat(api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN,
                "{\"concurrency\":1,\"leaseSeconds\":300}").status()).isEqualTo(200);
        assertThat(admit(key).json().get("leaseId").isString()).isTrue();
        assertThat(admit(key).status()).isEqualTo(429);

        EmbeddedRedis redis = TestStack.get().redis();
        redis.stop();

        Api.Answer degraded = admit(key);
        assertThat(degraded.status()).as(degraded.body()).isEqualTo(200);
        assertThat(degraded.body()).isEqualTo("{\"allowed\":true,\"leaseId\":null,\"leaseExpiresAt\":null}");
        String usageKey = uniqueId("key");
        Api.Answer ingest = api.post("/v1/usage-events", RELAY_TOKEN,
                "{\"events\":[" + IngestJson.usage(uniqueId("req"), usageKey) + "]}");
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(202);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health", ADMIN_TOKEN).json().get("components").get("redis").get("status").asString())
                .isEqualTo("DOWN");
        assertThat(api.get("/actuator/prometheus").body())
                .contains("ledger_admissions_total{application=\"relay-api\",outcome=\"degraded_allowed\","
                        + "reason=\"redis\"}");
        for (int i = 0; i < 10; i++) {
            admit(key); // enough failed calls to open the breaker
        }

        assertThat(api.get("/actuator/health", ADMIN_TOKEN).json().get("components").get("redis").get("details")
                .get("breaker")
                .asString()).as("failed calls opened the breaker").isEqualTo("open");
        assertThat(api.get("/actuator/prometheus").body())
                .contains("ledger_limits_breaker_state{application=\"relay-api\",state=\"open\"} 1.0");

        redis.start();

        // Redis restarted empty. While the breaker is open (ledger.limits.breaker.wait-in-open) and for pooled
        // connections broken by the restart, the policy answers (without a lease); then trial calls close the
        // breaker, a real decision grants a lease, and the limit holds again.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        Api.Answer granted;
        do {
            granted = admit(key);
        } while (granted.json().get("leaseId").isNull() && System.nanoTime() < deadline);
        assertThat(granted.json().get("leaseId").isString()).as("a lease after Redis returned").isTrue();
        Api.Answer denied = admit(key);
        assertThat(denied.status()).as(denied.body()).isEqualTo(429);
        assertThat(denied.json().get("reason").asString()).isEqualTo("concurrency");
        assertThat(admit(key).status()).isEqualTo(429); // the third successful trial call closes the breaker
        assertThat(api.get("/actuator/health", ADMIN_TOKEN).json().get("components").get("redis").get("status").asString())
                .isEqualTo("UP");
        assertThat(api.get("/actuator/health", ADMIN_TOKEN).json().get("components").get("redis").get("details")
                .get("breaker")
                .asString()).isEqualTo("closed");
    }
}
