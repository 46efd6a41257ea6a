package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class LimitsChangesTopicTest {

    @Test
    void readerSettingsHaveNoGroupAndNeverCommitOrCreateTheTopic() {
        Map<String, Object> config = LimitsChangesTopic.readerConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "usage-counters", ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "i-1", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092"));

        assertThat(config).doesNotContainKeys(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)
                .containsEntry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)
                .containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
    }
}
