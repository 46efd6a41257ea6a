package dev.usageledger.relayapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.limits.LimitKeys;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.relayapi.RelayApiApplication;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.RedisClient;

/**
 * Two relay-api instances (two application contexts in this JVM, each with its own HTTP port, cache and Kafka
 * clients) sharing the real MariaDB, Redis and Kafka, each caching a key's limits for 10 minutes: a change of limits
 * made through one instance applies on the other within seconds ({@code limits.changed}), not after the TTL.
 */
class LimitsInvalidationIT {

    private static final String RELAY_TOKEN = "inval-relay-token-0123456789";
    private static final String ADMIN_TOKEN = "inval-admin-token-0123456789";
    /** "Within a couple of seconds", with room for a loaded shared machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    private static ConfigurableApplicationContext contextA;
    private static ConfigurableApplicationContext contextB;
    private static Api a;
    private static Api b;

    @BeforeAll
    static void startTwoInstances() {
        contextA = start();
        contextB = start();
        a = new Api(port(contextA));
        b = new Api(port(contextB));
        awaitBothReadingChanges();
    }

    @AfterAll
    static void stopInstances() {
        if (contextA != null) {
            contextA.close();
        }
        if (contextB != null) {
            contextB.close();
        }
    }

    private static ConfigurableApplicationContext start() {
        // As command-line arguments: they win over application.yml (default properties would not).
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--ledger.security.relay-tokens=relay-a:" + RELAY_TOKEN,
                "--ledger.security.admin-tokens=ops:" + ADMIN_TOKEN,
                "--ledger.kafka.topic=invalidation-it-usage",
                "--ledger.kafka.partitions=1",
                "--ledger.kafka.limits-topic=invalidation-it-limits",
                "--ledger.limits.cache-ttl=10m"));
        TestStack.appProperties(TestStack.migratedDatabase(LiveKafkaContext.DATABASE).jdbcUrl())
                .forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(RelayApiApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /**
     * Each instance starts reading at the end of the topic once its consumer has found it; until then a change is
     * not seen there. Changes a probe key through A until B has read one, and through B until A has.
     */
    private static void awaitBothReadingChanges() {
        String probe = "inval-probe-" + ProcessHandle.current().pid();
        for (Api[] pair : new Api[][] {{a, b}, {b, a}}) {
            long before = received(pair[1]);
            Instant deadline = Instant.now().plusSeconds(60);
            while (received(pair[1]) == before) {
                assertThat(Instant.now()).as("instance reading limits.changed").isBefore(deadline);
                assertThat(putLimits(pair[0], probe, "{}").status()).isEqualTo(200);
                sleepQuietly(Duration.ofMillis(500));
            }
        }
    }

    @Test
    void aChangeThroughOneInstanceAppliesToAdmissionsAndReadsOnTheOtherWithinSeconds() {
        String key = "inval-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        // Both instances admit the key while it has no limits: each caches "no limits" for 10 minutes.
        assertThat(admit(a, key)).isEqualTo(200);
        assertThat(admit(b, key)).isEqualTo(200);
        // The key has spent 10 USD today; with no quota cached, both still allow.
        try (RedisClient redis = RedisClient.create(TestStack.get().redisUri())) {
            redis.set(LimitKeys.dailyCost(key, new QuotaPeriods(ZoneOffset.UTC).day(Instant.now())), "100000000000");
        }
        assertThat(admit(b, key)).as("B serves its cached copy").isEqualTo(200);
        long receivedByB = received(b);

        assertThat(putLimits(a, key, "{\"dailyCostUsd\":\"1\"}").status()).isEqualTo(200);

        Duration took = awaitAdmission(b, key, status -> status == 402);
        assertThat(took).isLessThan(PROPAGATION);
        assertThat(received(b)).isGreaterThan(receivedByB);
        Api.Answer got = b.call("GET", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, null);
        assertThat(got.json().get("limits").get("dailyCostUsd").asString()).isEqualTo("1");
        assertThat(got.json().get("usage").get("dailyCostUsd").asString()).isEqualTo("10");

        // And back, the other way round: lifted through B, A allows again.
        assertThat(admit(a, key)).isEqualTo(402);
        assertThat(putLimits(b, key, "{}").status()).isEqualTo(200);
        assertThat(awaitAdmission(a, key, status -> status == 200)).isLessThan(PROPAGATION);
        assertThat(a.get("/actuator/prometheus").body()).containsPattern(
                "ledger_limits_changes_published_total\\{application=\"relay-api\",outcome=\"success\"} [1-9]");
    }

    /** Admits {@code key} on {@code api} until the status matches (deadline 30 s); the time that took. */
    private static Duration awaitAdmission(Api api, String key, Predicate<Integer> wanted) {
        Instant start = Instant.now();
        Instant deadline = start.plusSeconds(30);
        int status = admit(api, key);
        while (!wanted.test(status)) {
            assertThat(Instant.now()).as("admission of " + key + " still answers " + status).isBefore(deadline);
            sleepQuietly(Duration.ofMillis(50));
            status = admit(api, key);
        }
        return Duration.between(start, Instant.now());
    }

    private static int admit(Api api, String key) {
        return api.call("POST", "/v1/admissions", RELAY_TOKEN, "{\"apiKeyId\":\"" + key + "\",\"requestId\":\"r-"
                + System.nanoTime() + "\"}").status();
    }

    private static Api.Answer putLimits(Api api, String key, String body) {
        return api.call("PUT", "/v1/keys/" + key + "/limits", ADMIN_TOKEN, body);
    }

    private static final Pattern RECEIVED = Pattern.compile(
            "ledger_limits_changes_received_total\\{application=\"relay-api\",outcome=\"applied\"} ([0-9.E]+)");

    private static long received(Api api) {
        Matcher m = RECEIVED.matcher(api.get("/actuator/prometheus").body());
        assertThat(m.find()).as("ledger_limits_changes_received_total exported").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
