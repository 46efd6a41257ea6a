package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class CounterProjectorTest {

    /** A rebuild restores only the keys of the partitions it owns: it must place keys as relay-api's producer does. */
    @Test
    void placesAKeyInThePartitionTheProducersDefaultPartitionerChooses() {
        for (int i = 0; i < 1000; i++) {
            String key = "key-" + i;
            for (int partitions : new int[] {1, 3, 6, 12}) {
                assertThat(CounterProjector.partitionOf(key, partitions)).isEqualTo(
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
