package dev.usageledger.projections.projector;

import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.PartitionClaim;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epochs this consumer claimed for its partitions in {@code consumer_offsets}: claimed on assignment (bumping the
 * epoch fences a previous owner still finishing a batch), or on a partition's first poll when that claim failed or
 * was found stale. Offsets are stored in MySQL, not trusted from Kafka: a claim says where to read. Thread-safe (the
 * consumer threads of one instance share it; each partition has one).
 */
final class PartitionClaims {

    private static final Logger log = LoggerFactory.getLogger(PartitionClaims.class);

    private final ConsumerOffsets offsets;
    private final String group;
    private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();

    PartitionClaims(ConsumerOffsets offsets, String group) {
        this.offsets = offsets;
        this.group = group;
    }

    /** Claims assigned partitions and seeks each to its stored offset; where MySQL fails, the first poll claims. */
    void assigned(Collection<TopicPartition> partitions, Projector.Seeks seeks) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.forEach((topic, numbers) -> {
            List<PartitionClaim> claims;
            try {
                claims = offsets.claim(group, topic, numbers);
            } catch (RuntimeException e) {
                log.warn("could not claim {} {} on assignment, will claim on the first batch: {}", topic, numbers,
                        e.toString());
                return;
            }
            for (PartitionClaim claim : claims) {
                TopicPartition tp = new TopicPartition(topic, claim.partition());
                epochs.put(tp, claim.epoch());
                if (claim.hasStoredOffset()) {
                    seeks.seek(tp, claim.nextOffset());
                } else {
                    seeks.seekToBeginning(tp);
                }
                log.info("claimed {} at epoch {}, resuming at {}", tp, claim.epoch(),
                        claim.hasStoredOffset() ? claim.nextOffset() : "the beginning");
            }
        });
    }

    /** Forgets the claims of partitions; if this consumer still owns one, its next poll claims it again. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(epochs::remove);
    }

    void forget(String topic, Collection<Integer> partitions) {
        partitions.forEach(p -> epochs.remove(new TopicPartition(topic, p)));
    }

    /** The claimed epoch of each of {@code partitions}; a partition without a claim is left out (and fenced). */
    Map<Integer, Long> epochs(String topic, Collection<Integer> partitions) {
        Map<Integer, Long> claimed = new HashMap<>();
        partitions.forEach(p -> claimed.put(p, epochs.get(new TopicPartition(topic, p))));
        return claimed;
    }

    boolean anyUnclaimed(String topic, List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!epochs.containsKey(new TopicPartition(topic, r.partition()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Claims the partitions of the poll that this consumer holds no claim for. Where the stored offset lies before
     * the poll's first record, the records in between were never projected: the partition is rewound to the stored
     * offset and its records are left out of this poll.
     *
     * @return the partitions left out of this poll
     */
    Set<Integer> claimUnclaimed(String topic, List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        Map<Integer, Long> firstOffsets = new HashMap<>();
        records.forEach(r -> firstOffsets.merge(r.partition(), r.offset(), Math::min));
        List<Integer> unclaimed = firstOffsets.keySet().stream()
                .filter(p -> !epochs.containsKey(new TopicPartition(topic, p))).sorted().toList();
        if (unclaimed.isEmpty()) {
            return Set.of();
        }
        Set<Integer> skipped = new HashSet<>();
        for (PartitionClaim claim : offsets.claim(group, topic, unclaimed)) {
            TopicPartition tp = new TopicPartition(topic, claim.partition());
            epochs.put(tp, claim.epoch());
            long resumeAt = claim.hasStoredOffset() ? claim.nextOffset()
                    : consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
            if (firstOffsets.get(claim.partition()) > resumeAt) {
                consumer.seek(tp, resumeAt);
                skipped.add(claim.partition());
                log.info("claimed {} at epoch {} late; rewinding to {}", tp, claim.epoch(), resumeAt);
            }
        }
        return skipped;
    }
}
