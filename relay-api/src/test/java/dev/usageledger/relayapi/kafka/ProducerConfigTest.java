package dev.usageledger.relayapi.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.common.InvalidSettingException;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerConfigTest {

    private final Map<String, Object> config = KafkaPublishingConfiguration.producerConfig(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092",
            ProducerConfig.ACKS_CONFIG, "1",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "set-elsewhere"), Duration.ofSeconds(10));

    @Test
    void keepsConnectionSettingsButEnforcesTheDeliveryGuarantees() {
        assertThat(config).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
                .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

    @Test
    void keepsAConfiguredCompressionAndRefusesOneKafkaWouldRefuseAtTheFirstPublish() {
        assertThat(KafkaPublishingConfiguration.producerConfig(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"),
                Duration.ofSeconds(10))).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        assertThatThrownBy(() -> KafkaPublishingConfiguration.producerConfig(
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "LZ4"), Duration.ofSeconds(10)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("spring.kafka.producer.compression-type").hasMessageContaining("LZ4");
    }

    @Test
    void boundsEveryBlockingCallByThePublishTimeout() {
        assertThat(config).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_005)
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    }

    @Test
    void producesAConfigurationKafkaAccepts() {
        Map<String, Object> shortest = KafkaPublishingConfiguration.producerConfig(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1"), Duration.ofMillis(500));
        shortest.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
        ProducerConfig.configDef().parse(shortest); // types and ranges; throws ConfigException
        // The producer constructor refuses delivery.timeout.ms < linger.ms + request.timeout.ms.
        assertThat((int) shortest.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isGreaterThanOrEqualTo(
                (int) shortest.get(ProducerConfig.LINGER_MS_CONFIG)
                        + (int) shortest.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    }
}
