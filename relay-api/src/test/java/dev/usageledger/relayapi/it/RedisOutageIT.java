package dev.usageledger.relayapi.it;

import static dev.usageledger.relayapi.it.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.stack.EmbeddedRedis;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped under a running relay-api (failure policy open, the default): ingest still answers 202, readiness
 * stays UP, admission allows without a lease and says so in health and metrics; once Redis is back, limits are
 * enforced again.
 */
class RedisOutageIT extends LiveKafkaContext {

    private static final AtomicInteger KEYS = new AtomicInteger();

    @AfterEach
    void restartRedis() {
        SharedStores.redis().start();
    }

    private Api.Answer admit(String key) {
        return api.call("POST", "/v1/admissions", RELAY_TOKEN,
                "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"req-" + System.nanoTime() + "\"}");
    }

    @Test
    void admissionFailsOpenWhileRedisIsDownAndIngestIsUnaffected() {
        String key = "outage-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
        assertThat(api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN,
                "{\"concurrency\":1,\"leaseSeconds\":300}").status()).isEqualTo(200);
        assertThat(admit(key).json().get("leaseId").isString()).isTrue();
        assertThat(admit(key).status()).isEqualTo(429);

        EmbeddedRedis redis = SharedStores.redis();
        redis.stop();

        Api.Answer degraded = admit(key);
        assertThat(degraded.status()).as(degraded.body()).isEqualTo(200);
        assertThat(degraded.body()).isEqualTo("{\"allowed\":true,\"leaseId\":null,\"leaseExpiresAt\":null}");
        String usageKey = uniqueId("key");
        Api.Answer ingest = api.post("/v1/usage-events", RELAY_TOKEN,
                "{\"events\":[" + Events.usage(uniqueId("req"), usageKey) + "]}");
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(202);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health").json().get("components").get("redis").get("status").asString())
                .isEqualTo("DOWN");
        assertThat(api.get("/actuator/prometheus").body())
                .contains("ledger_admissions_total{application=\"relay-api\",outcome=\"degraded_allowed\","
                        + "reason=\"redis\"}");

        redis.start();

        // Redis restarted empty. Pooled connections broken by the restart fail once each (answered by the policy,
        // without a lease), then a real decision grants a lease, and the limit holds again.
        int attempts = 0;
        Api.Answer granted;
        do {
            granted = admit(key);
            attempts++;
        } while (granted.json().get("leaseId").isNull() && attempts < 100);
        assertThat(granted.json().get("leaseId").isString()).as("a lease after Redis returned").isTrue();
        Api.Answer denied = admit(key);
        assertThat(denied.status()).as(denied.body()).isEqualTo(429);
        assertThat(denied.json().get("reason").asString()).isEqualTo("concurrency");
        assertThat(api.get("/actuator/health").json().get("components").get("redis").get("status").asString())
                .isEqualTo("UP");
    }
}
