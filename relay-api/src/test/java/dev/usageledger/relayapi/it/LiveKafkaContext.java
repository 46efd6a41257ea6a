package dev.usageledger.relayapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One application context against the shared embedded stack (real broker, MariaDB and Redis), reused by every test class that extends this (same
 * configuration, so Spring's context cache starts it once). Each test uses its own ids, and proves "nothing was
 * published" by comparing end offsets read without isolation, which move with every write, even an aborted one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ledger.security.relay-tokens=relay-a:" + LiveKafkaContext.RELAY_TOKEN + ",relay-b:" + LiveKafkaContext.RELAY_B_TOKEN,
        "ledger.security.admin-tokens=ops:" + LiveKafkaContext.ADMIN_TOKEN,
        "ledger.kafka.partitions=3",
        "ledger.pricing.service-rates.claude=1.2",
        "ledger.pricing.key-rates.[key.discount].claude=0.5",
        "ledger.ingest.publish-timeout=10s",
})
@Import(TestClockConfiguration.class)
abstract class LiveKafkaContext {

    static final String TOPIC = "usage-events";
    /** The database of every test of this module, migrated as usage-consumer would (relay-api itself never migrates). */
    static final String DATABASE = "relay_api_it";
    static final String RELAY_TOKEN = "relay-a-token-0123456789";
    static final String RELAY_B_TOKEN = "relay-b-token~9876543210+/=";
    static final String ADMIN_TOKEN = "admin-token-abcdefghijklmnop";
    static final Duration WAIT = Duration.ofSeconds(15);

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        TestStack.appProperties(TestStack.migratedDatabase(DATABASE).jdbcUrl())
                .forEach((name, value) -> registry.add(name, () -> value));
    }

    private static TopicReader committed;
    private static TopicReader uncommitted;

    @LocalServerPort
    int port;

    Api api;
    Map<TopicPartition, Long> committedMark;
    Map<TopicPartition, Long> uncommittedMark;

    @BeforeEach
    void markTopic() {
        api = new Api(port);
        if (committed == null) {
            committed = new TopicReader(TestStack.get().bootstrapServers(), TOPIC, true);
            uncommitted = new TopicReader(TestStack.get().bootstrapServers(), TOPIC, false);
        }
        committedMark = committed.endOffsets();
        uncommittedMark = uncommitted.endOffsets();
    }

    @AfterAll
    static void closeReaders() {
        if (committed != null) {
            committed.close();
            uncommitted.close();
            committed = null;
            uncommitted = null;
        }
    }

    TopicReader committedReader() {
        return committed;
    }

    /** The committed messages with these keys written since the test started, waiting until {@code count} arrived. */
    List<TopicReader.Message> published(int count, String... keys) {
        List<String> wanted = List.of(keys);
        List<TopicReader.Message> read = committed.readAfter(committedMark, WAIT,
                messages -> messages.stream().filter(m -> wanted.contains(m.key())).count() >= count);
        return read.stream().filter(m -> wanted.contains(m.key())).toList();
    }

    /** Nothing at all was written to the topic since the test started: no record, no aborted record, no marker. */
    void assertNothingPublished() {
        assertThat(uncommitted.endOffsets()).as("end offsets read_uncommitted").isEqualTo(uncommittedMark);
        assertThat(uncommitted.readToEnd(uncommittedMark)).as("records read_uncommitted").isEmpty();
        assertThat(committed.readToEnd(committedMark)).as("records read_committed").isEmpty();
    }
}
