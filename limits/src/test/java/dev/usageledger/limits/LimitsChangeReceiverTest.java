package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class LimitsChangeReceiverTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:15:31.500Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> dropped = new ArrayList<>();
    private final LimitsChangedCodec codec = new LimitsChangedCodec();
    private final LimitsChangeReceiver receiver =
            new LimitsChangeReceiver(dropped::add, codec, Clock.fixed(NOW, ZoneOffset.UTC), registry);

    private static ConsumerRecord<String, byte[]> record(byte[] value) {
        return new ConsumerRecord<>("limits-changes", LimitsChangesTopic.PARTITION, 7L, "key_7f3a", value);
    }

    private double received(String outcome) {
        return registry.get(LimitsChangeReceiver.RECEIVED).tag("outcome", outcome).counter().count();
    }

    @Test
    void dropsTheChangedKeyAndCountsItWithItsDelay() {
        receiver.receive(record(codec.encode(new LimitsChanged("key_7f3a", NOW.minusMillis(1500)))));

        assertThat(dropped).containsExactly("key_7f3a");
        assertThat(received("applied")).isEqualTo(1);
        assertThat(received("undecodable")).isZero();
        assertThat(registry.get(LimitsChangeReceiver.DELAY).timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(Duration.ofMillis(1500).toMillis());
    }

    @Test
    void countsAndSkipsAnUndecodableRecordWithoutThrowing() {
        for (byte[] value : new byte[][] {null, "not json".getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"usage.recorded\"}".getBytes(StandardCharsets.UTF_8)}) {
            assertThatCode(() -> receiver.receive(record(value))).doesNotThrowAnyException();
        }

        assertThat(dropped).isEmpty();
        assertThat(received("undecodable")).isEqualTo(3);
        assertThat(received("applied")).isZero();
    }
}
