package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.MutableClock;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.UsdUnits;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.stack.EmbeddedStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

/**
 * The usage-fed counters kept in step with MySQL by the running app (real Kafka, MariaDB and Redis): a drift put into
 * Redis by hand stays while the reconcile interval has not passed, and is corrected from MySQL by the app itself once
 * the (injected) clock has moved past it, the projection being idle; a resend under another key counts only under
 * the first accepted version's key once MySQL decided, without waiting for a reconciliation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(CountersReconciliationIT.Clocks.class)
class CountersReconciliationIT {

    private static final String TOPIC = "reconcile-it-events";
    private static final String DATABASE = "reconcile_it";
    private static final Duration RECONCILE_INTERVAL = Duration.ofHours(1);
    private static final Duration IDLE_INTERVAL = Duration.ofMillis(200);
    private static final MutableClock CLOCK = MutableClock.system();

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        Clock shiftedClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EmbeddedStackProperties.register(registry, "reconcile-it");
        registry.add("ledger.counters.reconcile-interval", RECONCILE_INTERVAL::toString);
        registry.add("ledger.counters.idle-interval", IDLE_INTERVAL::toString);
    }

    @Autowired
    EventCodec codec;

    @Autowired
    MeterRegistry registry;

    @Test
    void correctsADriftInRedisWhenTheReconcileIntervalHasPassedAndNotBefore() throws Exception {
        EmbeddedStack stack = TestStack.get();
        String key = "reconcile-key-" + UUID.randomUUID();
        BigDecimal rated = new BigDecimal("0.0012300000");
        int events = 5;
        publish(stack, key, events, rated);
        String expected = Long.toString(UsdUnits.toUnits(rated.multiply(BigDecimal.valueOf(events))));

        try (RedisClient redis = RedisClient.create(stack.redisUri());
                Connection mysql = DriverManager.getConnection(stack.mariaDb().jdbcUrl(DATABASE), "root", "")) {
            String total = LimitKeys.totalCost(key);
            await("counters and MySQL hold the usage", Duration.ofSeconds(60), () -> expected.equals(redis.get(total))
                    && count(mysql, "SELECT COUNT(*) FROM usage_records WHERE api_key_id = '" + key + "'") == events);
            double reconciled = reconciliations();
            double drift = registry.get("ledger.counters.drift").counter().count();

            redis.set(total, "1");
            // Many idle events pass (one every 200 ms): the reconciliation waits for its interval.
            Thread.sleep(IDLE_INTERVAL.multipliedBy(10).toMillis());
            assertThat(redis.get(total)).as("drift before the interval passed").isEqualTo("1");
            assertThat(reconciliations()).isEqualTo(reconciled);

            CLOCK.advance(RECONCILE_INTERVAL.plusSeconds(1));

            await("the reconciliation corrected the drift", Duration.ofSeconds(30),
                    () -> expected.equals(redis.get(total)));
            // The counters restore Redis, then count the rebuild: wait for the count too.
            await("the reconciliation was counted", Duration.ofSeconds(30),
                    () -> reconciliations() > reconciled
                            && registry.get("ledger.counters.drift").counter().count() > drift);
            assertThat(reconciliations()).isGreaterThan(reconciled);
            assertThat(registry.get("ledger.counters.drift").counter().count()).isGreaterThan(drift);
        }
    }

    @Test
    void aCrossKeyResendCountsOnlyUnderTheKeyOfTheFirstAcceptedVersionOnceMySqlDecided() throws Exception {
        EmbeddedStack stack = TestStack.get();
        String first = "first-key-" + UUID.randomUUID();
        String later = "later-key-" + UUID.randomUUID();
        Instant at = CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);
        String requestId = "cross-" + UUID.randomUUID();
        // The later-accepted version under another key is read and counted first; the first accepted one follows.
        UsageRecorded resend = Events.usage(requestId).at(at).key(later).tokens(7, 7).cost("0.5", "0.5")
                .source(PricingSource.RELAY).relay("relay-it", at.plusSeconds(1)).build();
        UsageRecorded original = Events.usage(requestId).at(at).key(first).tokens(100, 10).cost("0.25", "0.25")
                .source(PricingSource.RELAY).relay("relay-it", at).build();

        try (RedisClient redis = RedisClient.create(stack.redisUri());
                Connection mysql = DriverManager.getConnection(stack.mariaDb().jdbcUrl(DATABASE), "root", "")) {
            publish(stack, java.util.List.of(resend));
            await("the resend counted under its key", Duration.ofSeconds(60),
                    () -> "5000000000".equals(redis.get(LimitKeys.totalCost(later))) && count(mysql,
                            "SELECT COUNT(*) FROM usage_records WHERE request_id = '" + requestId + "'") == 1);
            publish(stack, java.util.List.of(original));

            await("MySQL swapped and the counters excluded the losing version", Duration.ofSeconds(60),
                    () -> "2500000000".equals(redis.get(LimitKeys.totalCost(first)))
                            && "0".equals(redis.get(LimitKeys.totalCost(later))));
            assertThat(count(mysql, "SELECT COUNT(*) FROM ledger_conflicts WHERE swapped AND event_id = '"
                    + requestId + "'")).isEqualTo(1);
            assertThat(registry.get("ledger.counters.conflicts.excluded").tag("when", "counted").counter().count())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    private double reconciliations() {
        return registry.get("ledger.counters.rebuilds").tag("trigger", "reconcile").counter().count();
    }

    private void publish(EmbeddedStack stack, String key, int events, BigDecimal rated) {
        Instant at = CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);
        java.util.List<UsageRecorded> usage = new java.util.ArrayList<>();
        for (int i = 0; i < events; i++) {
            usage.add(Events.usage(key + "-req-" + i).at(at).key(key).account("acc_1").tokens(100, 10)
                    .cost(rated.toPlainString(), rated.toPlainString()).source(PricingSource.RELAY)
                    .relay("relay-it", at).build());
        }
        publish(stack, usage);
    }

    private void publish(EmbeddedStack stack, java.util.List<UsageRecorded> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reconcile-it-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (UsageRecorded u : events) {
                producer.send(new ProducerRecord<>(TOPIC, u.apiKeyId(), codec.encode(u)));
            }
            producer.commitTransaction();
        }
    }

    private static void await(String what, Duration atMost, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as(what + " within " + atMost).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long count(Connection c, String sql) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
