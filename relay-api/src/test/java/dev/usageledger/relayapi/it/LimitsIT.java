package dev.usageledger.relayapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.QuotaPeriods;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import tools.jackson.databind.JsonNode;

/** CONTRACT §4 over HTTP: limits, admissions, leases; real MariaDB and Redis. */
class LimitsIT extends LiveKafkaContext {

    private static final AtomicInteger KEYS = new AtomicInteger();

    private static String newKey() {
        return "lim-" + ProcessHandle.current().pid() + "-" + KEYS.incrementAndGet();
    }

    @AfterEach
    void resetClock() {
        TestClockConfiguration.CLOCK.reset();
    }

    private Api.Answer putLimits(String key, String body) {
        return api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, body);
    }

    private Api.Answer admit(String key) {
        return api.call("POST", "/v1/admissions", RELAY_TOKEN,
                "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"req-" + System.nanoTime() + "\",\"model\":\"m\"}");
    }

    @Test
    void aKeyNeverConfiguredHasAllLimitsAndCountersZero() {
        Api.Answer answer = api.call("GET", "/v1/keys/" + newKey() + "/limits", ADMIN_TOKEN, null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().toString()).isEqualTo("{\"limits\":{\"windowSeconds\":0,\"requestsPerWindow\":0,"
                + "\"tokensPerWindow\":0,\"costPerWindowUsd\":\"0\",\"concurrency\":0,\"leaseSeconds\":0,"
                + "\"dailyCostUsd\":\"0\",\"totalCostUsd\":\"0\",\"weeklyCostUsd\":\"0\",\"weeklyResetDay\":0,"
                + "\"weeklyResetHour\":0,\"shadow\":false},\"usage\":{\"windowRequests\":0,\"windowTokens\":0,"
                + "\"windowCostUsd\":\"0\",\"dailyCostUsd\":\"0\",\"weeklyCostUsd\":\"0\",\"totalCostUsd\":\"0\","
                + "\"activeLeases\":0}}");
    }

    @Test
    void putReplacesTheLimitsAndGetShowsThemWithTheCounters() {
        String key = newKey();
        Api.Answer put = putLimits(key, "{\"windowSeconds\":60,\"requestsPerWindow\":100,\"concurrency\":5,"
                + "\"leaseSeconds\":300,\"dailyCostUsd\":\"10.50\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("dailyCostUsd").asString()).isEqualTo("10.5");

        assertThat(admit(key).status()).isEqualTo(200);
        assertThat(admit(key).status()).isEqualTo(200);

        JsonNode got = api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null).json();
        assertThat(got.get("limits").get("requestsPerWindow").asLong()).isEqualTo(100);
        assertThat(got.get("limits").get("tokensPerWindow").asLong()).isZero();
        assertThat(got.get("usage").get("windowRequests").asLong()).isEqualTo(2);
        assertThat(got.get("usage").get("activeLeases").asLong()).isEqualTo(2);

        // Replacing drops what is missing: back to unlimited, and admissions see it at once on this instance.
        assertThat(putLimits(key, "{}").status()).isEqualTo(200);
        Api.Answer free = admit(key);
        assertThat(free.json().get("leaseId").isNull()).isTrue();
    }

    @Test
    void aConcurrencyLimitWithoutALeaseLengthLeasesForTenMinutes() {
        String key = newKey();
        Api.Answer put = putLimits(key, "{\"concurrency\":5}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("leaseSeconds").asInt()).isEqualTo(600);
        assertThat(api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null).json().get("limits")
                .get("leaseSeconds").asInt()).isEqualTo(600);

        Api.Answer granted = admit(key);
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        assertThat(Instant.parse(granted.json().get("leaseExpiresAt").asString()))
                .isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));

        Api.Answer zero = putLimits(key, "{\"concurrency\":2,\"leaseSeconds\":0}");
        assertThat(zero.json().get("leaseSeconds").asInt()).isEqualTo(600);
        assertThat(api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null).json().get("limits")
                .get("concurrency").asInt()).isEqualTo(2);
    }

    @Test
    void aBadLimitIsA400NamingTheField() {
        Api.Answer answer = putLimits(newKey(), "{\"requestsPerWindow\":10}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("violations").get(0).get("field").asString()).isEqualTo("windowSeconds");

        Api.Answer money = putLimits(newKey(), "{\"dailyCostUsd\":\"1.00000000001\"}");
        assertThat(money.status()).isEqualTo(400);
        assertThat(money.json().get("violations").get(0).get("field").asString()).isEqualTo("dailyCostUsd");

        Api.Answer admission = api.call("POST", "/v1/admissions", RELAY_TOKEN, "{\"requestId\":\"r1\"}");
        assertThat(admission.status()).isEqualTo(400);
        assertThat(admission.json().get("violations").get(0).get("field").asString()).isEqualTo("apiKeyId");
    }

    @Test
    void everyEndpointAnswers401ForTheWrongTokenOrNone() {
        String key = newKey();
        assertThat(api.call("PUT", "/v1/keys/" + key + "/limits", RELAY_TOKEN, "{}").status()).isEqualTo(401);
        assertThat(api.call("GET", "/v1/keys/" + key + "/limits", null, null).status()).isEqualTo(401);
        assertThat(api.call("POST", "/v1/admissions", ADMIN_TOKEN,
                "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"r\"}").status()).isEqualTo(401);
        assertThat(api.call("POST", "/v1/admissions/" + key + "~x/renew", null, null).status()).isEqualTo(401);
        assertThat(api.call("DELETE", "/v1/admissions/" + key + "~x", ADMIN_TOKEN, null).status()).isEqualTo(401);
    }

    @Test
    void aKeyWithoutLimitsIsAllowedWithoutALease() {
        Api.Answer answer = admit(newKey());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"allowed\":true,\"leaseId\":null,\"leaseExpiresAt\":null}");
    }

    @Test
    void aFullWindowAnswers429WithRetryAfterRoundedUp() {
        String key = newKey();
        putLimits(key, "{\"windowSeconds\":60,\"requestsPerWindow\":1}");
        assertThat(admit(key).status()).isEqualTo(200);

        Api.Answer denied = admit(key);

        assertThat(denied.status()).as(denied.body()).isEqualTo(429);
        assertThat(denied.json().get("allowed").asBoolean()).isFalse();
        assertThat(denied.json().get("reason").asString()).isEqualTo("requests_per_window");
        long retryAfterMs = denied.json().get("retryAfterMs").asLong();
        assertThat(retryAfterMs).isBetween(59_000L, 61_000L);
        assertThat(denied.headers().firstValue("Retry-After")).contains(Long.toString((retryAfterMs + 999) / 1000));
    }

    @Test
    void aSpentDailyQuotaAnswers402WithoutRetryAfter() {
        String key = newKey();
        putLimits(key, "{\"dailyCostUsd\":\"1\"}");
        try (RedisClient redis = RedisClient.create(TestStack.get().redisUri())) {
            redis.set(LimitKeys.dailyCost(key, new QuotaPeriods(ZoneOffset.UTC).day(Instant.now())), "10000000000");
        }

        Api.Answer denied = admit(key);

        assertThat(denied.status()).as(denied.body()).isEqualTo(402);
        assertThat(denied.body()).isEqualTo("{\"allowed\":false,\"reason\":\"daily_cost\"}");
        assertThat(denied.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void leasesAreGrantedRenewedAndReleasedIdempotently() {
        String key = newKey();
        putLimits(key, "{\"concurrency\":1,\"leaseSeconds\":300}");
        Api.Answer granted = admit(key);
        assertThat(granted.status()).isEqualTo(200);
        String lease = granted.json().get("leaseId").asString();
        assertThat(Instant.parse(granted.json().get("leaseExpiresAt").asString()))
                .isBetween(Instant.now().plusSeconds(290), Instant.now().plusSeconds(310));

        Api.Answer busy = admit(key);
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.json().get("reason").asString()).isEqualTo("concurrency");

        Api.Answer renewed = api.call("POST", "/v1/admissions/" + lease + "/renew", RELAY_TOKEN, null);
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        assertThat(renewed.json().get("leaseId").asString()).isEqualTo(lease);

        assertThat(api.call("DELETE", "/v1/admissions/" + lease, RELAY_TOKEN, null).status()).isEqualTo(204);
        assertThat(api.call("DELETE", "/v1/admissions/" + lease, RELAY_TOKEN, null).status()).isEqualTo(204);
        assertThat(api.call("POST", "/v1/admissions/" + lease + "/renew", RELAY_TOKEN, null).status())
                .isEqualTo(404);
        assertThat(admit(key).status()).isEqualTo(200);
    }

    @Test
    void twentyCallersAtOnceHoldingTheirLeasesGetExactlyThree() throws Exception {
        String key = newKey();
        putLimits(key, "{\"concurrency\":3,\"leaseSeconds\":300}");
        List<Api.Answer> answers = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Api.Answer>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(callers.submit(() -> {
                    go.await();
                    return admit(key);
                }));
            }
            go.countDown();
            for (Future<Api.Answer> answer : pending) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }

        List<Api.Answer> granted = answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(granted).hasSize(3);
        assertThat(granted).extracting(a -> a.json().get("leaseId").asString()).doesNotHaveDuplicates();
        assertThat(answers.stream().filter(a -> a.status() != 200)).hasSize(17).allSatisfy(a -> {
            assertThat(a.status()).as(a.body()).isEqualTo(429);
            assertThat(a.json().get("reason").asString()).isEqualTo("concurrency");
            assertThat(a.headers().firstValue("Retry-After")).isPresent();
        });
        assertThat(api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null).json().get("usage")
                .get("activeLeases").asLong()).isEqualTo(3);
    }

    @Test
    void renewingAnExpiredLeaseAnswers404AndItsSlotIsFree() {
        String key = newKey();
        putLimits(key, "{\"concurrency\":1,\"leaseSeconds\":30}");
        String lease = admit(key).json().get("leaseId").asString();

        TestClockConfiguration.CLOCK.advance(Duration.ofSeconds(31));

        Api.Answer renew = api.call("POST", "/v1/admissions/" + lease + "/renew", RELAY_TOKEN, null);
        assertThat(renew.status()).as(renew.body()).isEqualTo(404);
        assertThat(renew.json().get("error").asString()).isEqualTo("not_found");
        assertThat(admit(key).status()).isEqualTo(200);
        assertThat(api.call("DELETE", "/v1/admissions/" + lease, RELAY_TOKEN, null).status()).isEqualTo(204);
    }

    @Test
    void aShadowKeyIsAlwaysAllowed() {
        String key = newKey();
        putLimits(key, "{\"windowSeconds\":60,\"requestsPerWindow\":1,\"shadow\":true}");
        assertThat(admit(key).status()).isEqualTo(200);
        assertThat(admit(key).status()).isEqualTo(200);
        JsonNode usage = api.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null).json().get("usage");
        assertThat(usage.get("windowRequests").asLong()).isEqualTo(2);
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).contains("ledger_admissions_total{application=\"relay-api\",outcome=\"shadow_denied\","
                + "reason=\"requests_per_window\"}");
    }
}
