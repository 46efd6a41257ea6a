package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.LimitScripts;
import dev.usageledger.limits.LimitsChangeReceiver;
import dev.usageledger.limits.LimitsChanged;
import dev.usageledger.limits.LimitsChangedCodec;
import dev.usageledger.limits.LimitsChangesTopic;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.limits.RedisLimiter;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.stack.EmbeddedStack;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.RedisClient;

/**
 * usage-consumer follows {@code limits.changed} (real Kafka, MariaDB and Redis): with the counters' limits cached for
 * 10 minutes, a change of a key's window length announced on the limits topic makes the next usage event of the key
 * feed the counters of the new window, within seconds; an undecodable record on that topic is counted and skipped
 * without stopping the reader.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CountersLimitsChangesIT {

    private static final String GROUP = "limits-changes-it";
    private static final String TOPIC = GROUP + "-events";
    private static final String LIMITS_TOPIC = "limits-changes-it-limits";
    private static final KeyLimits TEN_MINUTES = window(600);
    private static final KeyLimits ONE_HOUR = window(3600);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EmbeddedStackProperties.register(registry, GROUP);
        registry.add("ledger.kafka.limits-topic", () -> LIMITS_TOPIC);
        registry.add("ledger.counters.limits-cache-ttl", () -> "10m");
    }

    @Autowired
    EventCodec codec;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry registry;

    private final LimitsChangedCodec changes = new LimitsChangedCodec();
    private KafkaProducer<String, byte[]> producer;
    private RedisClient redis;

    private static KeyLimits window(int seconds) {
        return new KeyLimits(seconds, 0, 1_000_000, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, 0, 0, false);
    }

    @BeforeEach
    void connect() {
        EmbeddedStack stack = TestStack.get();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
        redis = RedisClient.create(stack.redisUri());
    }

    @AfterEach
    void close() {
        producer.close();
        redis.close();
    }

    @Test
    void aChangeOfWindowLengthOnTheLimitsTopicAppliesToTheNextUsageEventWithinSeconds() throws Exception {
        String key = "limits-changes-" + UUID.randomUUID();
        KeyLimitsStore store = new KeyLimitsStore(dataSource);
        RedisLimiter counters = new RedisLimiter(redis, new LimitScripts(), Clock.systemUTC(),
                new QuotaPeriods(ZoneOffset.UTC));
        store.put(key, TEN_MINUTES, "it", Instant.now());
        awaitReadingLimitsChanges();
        // Counted by the listener, not restored by a first start's rebuild from MySQL (which would not cache limits).
        await("the counters projection in step with Redis", Duration.ofSeconds(60),
                () -> redis.hget(LimitKeys.counterOffsets(GROUP + "-counters"), TOPIC + ":0") != null);

        sendLimits(key, "not a limits.changed".getBytes(StandardCharsets.UTF_8));
        double counted = registry.get("ledger.counters.events").tag("outcome", "applied").counter().count();
        sendUsage(key, "first", 100);
        await("the first event counted in the 10-minute window (its limits now cached for 10 minutes)",
                Duration.ofSeconds(60), () -> counters.usage(key, TEN_MINUTES).windowTokens() == 100
                        && registry.get("ledger.counters.events").tag("outcome", "applied").counter().count() > counted);

        double applied = received("applied");
        store.put(key, ONE_HOUR, "it", Instant.now());
        sendLimits(key, changes.encode(new LimitsChanged(key, Instant.now())));
        await("the change read", Duration.ofSeconds(10), () -> received("applied") > applied);
        sendUsage(key, "second", 7);

        await("the next event counted in the 1-hour window", Duration.ofSeconds(30),
                () -> counters.usage(key, ONE_HOUR).windowTokens() == 7);
        assertThat(counters.usage(key, TEN_MINUTES).windowTokens()).as("the old window fed no more").isEqualTo(100);
        assertThat(received("undecodable")).as("the undecodable record before it, skipped").isGreaterThanOrEqualTo(1);
    }

    /**
     * The reader starts at the end of the topic once its consumer found it; until then a change is not seen. Announces
     * a change of a probe key until one was read.
     */
    private void awaitReadingLimitsChanges() throws Exception {
        double before = received("applied");
        String probe = "limits-changes-probe-" + UUID.randomUUID();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received("applied") == before) {
            assertThat(System.nanoTime()).as("usage-consumer reading " + LIMITS_TOPIC).isLessThan(deadline);
            sendLimits(probe, changes.encode(new LimitsChanged(probe, Instant.now())));
            Thread.sleep(500);
        }
    }

    private double received(String outcome) {
        return registry.get(LimitsChangeReceiver.RECEIVED).tag("outcome", outcome).counter().count();
    }

    private void sendLimits(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(LIMITS_TOPIC, LimitsChangesTopic.PARTITION, key, value)).get();
    }

    private void sendUsage(String key, String requestId, long inputTokens) throws Exception {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        BigDecimal rated = new BigDecimal("0.0010000000");
        UsageRecorded u = Events.usage(key + "-" + requestId).at(at).key(key).account("acc_1").tokens(inputTokens, 0)
                .cost(rated.toPlainString(), rated.toPlainString()).source(PricingSource.RELAY).relay("relay-it", at)
                .build();
        producer.send(new ProducerRecord<>(TOPIC, key, codec.encode(u))).get();
    }

    private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + atMost).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
