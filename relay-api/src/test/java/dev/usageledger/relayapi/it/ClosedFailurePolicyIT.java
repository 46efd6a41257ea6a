package dev.usageledger.relayapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestStack;
import dev.usageledger.stack.EmbeddedRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Redis stopped under a relay-api whose {@code ledger.limits.failure-policy} is {@code closed}: admission answers 503
 * (never an uncounted upstream call), renew and release too, the refusal is counted, and decisions resume once Redis
 * is back. The open policy under the same outage answers 200 without a lease ({@link RedisOutageIT}).
 */
@TestPropertySource(properties = "ledger.limits.failure-policy=closed")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ClosedFailurePolicyIT extends RedisOutageContext {

    /** The first admission answer that is not a 503, within 30 s. */
    private Api.Answer firstDecision(String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Api.Answer answer;
        do {
            answer = admit(key);
        } while (answer.status() == 503 && System.nanoTime() < deadline);
        return answer;
    }

    @Test
    void admissionAnswers503WhileRedisIsDown() {
        String key = newKey("closed");
        assertThat(api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN,
                "{\"concurrency\":1,\"leaseSeconds\":300}").status()).isEqualTo(200);
        Api.Answer granted = admit(key);
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        String lease = granted.json().get("leaseId").asString();

        EmbeddedRedis redis = TestStack.get().redis();
        redis.stop();

        Api.Answer refused = admit(key);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("error").asString()).isEqualTo("unavailable");
        assertThat(refused.json().get("message").asString())
                .startsWith("admission cannot be decided: redis is unavailable");
        assertThat(refused.json().has("allowed")).as("no admission answer in a 503").isFalse();
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(api.call("POST", "/v1/admissions/" + lease + "/renew", RELAY_TOKEN, null).status())
                .isEqualTo(503);
        assertThat(api.call("DELETE", "/v1/admissions/" + lease, RELAY_TOKEN, null).status()).isEqualTo(503);
        // This class has a context of its own, so its counters start at 0: one admission was refused.
        assertThat(api.get("/actuator/prometheus").body())
                .contains("ledger_admissions_total{application=\"relay-api\",outcome=\"degraded_denied\","
                        + "reason=\"redis\"} 1.0")
                .contains("ledger_admissions_total{application=\"relay-api\",outcome=\"degraded_allowed\","
                        + "reason=\"redis\"} 0.0");

        redis.start();

        // Redis restarted empty; pooled connections broken by the restart fail once each (503) until Redis decides.
        Api.Answer first = firstDecision(key);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("leaseId").isString()).isTrue();
        Api.Answer second = firstDecision(key);
        assertThat(second.status()).as(second.body()).isEqualTo(429);
        assertThat(second.json().get("reason").asString()).isEqualTo("concurrency");
    }
}
