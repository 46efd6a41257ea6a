package dev.usageledger.consumer;

import dev.usageledger.limits.CounterProjector;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * The usage-fed counters' batch listener on the events topic, in the consumer group {@code ledger.counters.group}:
 * hands each poll, each assignment, each revocation and each idle event of its container to the
 * {@link CounterProjector}, on the consumer's own thread. Nothing else: grouping by key, the Redis counters and their
 * offsets, rebuilds and reconciliation are the projector's. A poll that fails (Redis or MySQL down) is retried after
 * {@code ledger.counters.retry-backoff}, forever.
 */
final class CountersListener implements ConsumerSeekAware {

    static final String ID = "usage-counters-projection";

    private final CounterProjector projector;

    CountersListener(CounterProjector projector) {
        this.projector = projector;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        projector.assigned(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        projector.revoked(partitions);
    }

    @Override
    public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        projector.idle(assignments.keySet(), (tp, offset) -> callback.seek(tp.topic(), tp.partition(), offset));
    }

    @KafkaListener(id = ID, topics = "${ledger.kafka.topic:usage-events}",
            containerFactory = CountersConfiguration.CONTAINER_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) throws SQLException {
        projector.project(records, consumer);
    }
}
