package dev.usageledger.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Each server of the stack is a real server, reached over TCP by the clients the apps use. */
class EmbeddedStackIT {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStackIT.class);

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = EmbeddedStack.start(SharedStack.newBaseDir());
        JavaProcess broker = stack.kafka().process();
        log.info("broker pid {}: RSS {} MB after start", broker.pid(), broker.rssBytes() >> 20);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            JavaProcess broker = stack.kafka().process();
            log.info("broker RSS {} MB, peak {} MB before stop", broker.rssBytes() >> 20, broker.peakRssBytes() >> 20);
            long t0 = System.nanoTime();
            stack.close();
            log.info("stack stopped in {} ms; broker exit status {}",
                    (System.nanoTime() - t0) / 1_000_000, broker.exitValue());
        }
    }

    @Test
    void mariaDbAnswersSqlOverJdbc() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT VERSION(), DATABASE(), @@time_zone, @@innodb_lock_wait_timeout")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).contains("MariaDB");
                assertThat(rs.getString(2)).isEqualTo(EmbeddedStack.DATABASE);
                assertThat(rs.getString(3)).isIn("+00:00", "UTC");
                assertThat(rs.getInt(4)).isEqualTo(10);
                log.info("server version {}", rs.getString(1));
            }
            s.execute("CREATE TABLE roundtrip (id BIGINT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB");
            s.execute("INSERT INTO roundtrip VALUES (1, 5) ON DUPLICATE KEY UPDATE n = n + VALUES(n)");
            s.execute("INSERT INTO roundtrip VALUES (1, 7) ON DUPLICATE KEY UPDATE n = n + VALUES(n)");
            try (ResultSet rs = s.executeQuery("SELECT n FROM roundtrip WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(12);
            }
        }
    }

    @Test
    void kafkaDeliversAProducedRecordToAConsumer() throws Exception {
        String topic = "it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(topic, "relay-1", "{\"tokens\":42}")).get(30, TimeUnit.SECONDS);
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        long t0 = System.nanoTime();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            consumer.commitSync();
        }
        log.info("first record consumed {} ms after subscribe (includes the group join)", (System.nanoTime() - t0) / 1_000_000);
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("relay-1");
            assertThat(r.value()).isEqualTo("{\"tokens\":42}");
            assertThat(r.partition()).isEqualTo(sent.partition());
            assertThat(r.offset()).isEqualTo(sent.offset());
        });
    }

    @Test
    void redisRunsCommandsAndLuaAndComesBackAfterARestartOnTheSamePort() {
        EmbeddedRedis redis = stack.redis();
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            jedis.set("it:key", "value");
            assertThat(jedis.get("it:key")).isEqualTo("value");
            Object counted = jedis.eval(
                    "local n = redis.call('INCRBY', KEYS[1], ARGV[1]); redis.call('PEXPIRE', KEYS[1], 60000); return n",
                    List.of("it:counter"), List.of("5"));
            assertThat(counted).isEqualTo(5L);
            assertThat(jedis.configGet("save")).containsEntry("save", "");
        }

        redis.stop();
        assertThat(Ports.isAccepting(redis.port())).isFalse();
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        }
        redis.start();
        log.info("Redis restarted on port {} in {} ms", redis.port(), redis.startupTime().toMillis());
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertThat(jedis.get("it:key")).as("no persistence: a restarted Redis is empty").isNull();
            jedis.set("it:key", "again");
            assertThat(jedis.get("it:key")).isEqualTo("again");
        }
    }

    @Test
    void killSigkillsTheBrokerAndAFreshBrokerTakesItsPort(@TempDir Path dir) throws Exception {
        KafkaBroker first = KafkaBroker.start(dir.resolve("first"));
        JavaProcess process = first.process();
        log.info("extra broker started in {} ms, RSS {} MB", first.startupTime().toMillis(), process.rssBytes() >> 20);

        process.kill();

        assertThat(process.isAlive()).isFalse();
        assertThat(process.exitValue()).hasValue(137);
        assertThat(Ports.isAccepting(first.port())).isFalse();
        assertThat(process.logTail(5)).doesNotContain("shutting down");

        try (KafkaBroker second = KafkaBroker.start(dir.resolve("second"), first.port())) {
            assertThat(second.bootstrapServers()).isEqualTo(first.bootstrapServers());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            log.info("replacement broker started in {} ms", second.startupTime().toMillis());
        }
    }
}
