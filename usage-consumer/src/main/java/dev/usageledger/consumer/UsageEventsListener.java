package dev.usageledger.consumer;

import dev.usageledger.projections.projector.Projector;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * The events topic's batch listener: hands each poll, each assignment, each revocation and each idle event of its
 * container to the {@link Projector}, on the consumer's own thread. Nothing else: claims, decoding and dead letters,
 * gathering, writing and rewinds are the projector's.
 */
@Component
class UsageEventsListener implements ConsumerSeekAware {

    private final Projector projector;

    UsageEventsListener(Projector projector) {
        this.projector = projector;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        projector.assigned(assignments.keySet(), new Projector.Seeks() {
            @Override
            public void seek(TopicPartition partition, long offset) {
                callback.seek(partition.topic(), partition.partition(), offset);
            }

            @Override
            public void seekToBeginning(TopicPartition partition) {
                callback.seekToBeginning(partition.topic(), partition.partition());
            }
        });
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        projector.revoked(partitions);
    }

    @Override
    public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        projector.idle();
    }

    @KafkaListener(id = "usage-events-projection", topics = "${ledger.kafka.topic:usage-events}",
            containerFactory = ConsumerConfiguration.CONTAINER_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        projector.project(records, consumer);
    }
}
