package dev.usageledger.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets {@code [from, to)} of one partition, clipped to what the partition holds: from its first offset kept to its
 * last stable offset (records of open transactions are not there yet).
 */
record PartitionRange(int partition, long from, long to) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    long size() {
        return Math.max(0, to - from);
    }

    /**
     * The ranges of these partitions of {@code topic} (every partition when {@code partitions} is empty) between two
     * offsets ({@code null}: the partition's start or end).
     *
     * @throws IllegalArgumentException a partition the topic does not have
     */
    static List<PartitionRange> byOffsets(KafkaConsumer<?, ?> consumer, String topic, Collection<Integer> partitions,
            Long from, Long to) {
        List<TopicPartition> tps = partitions(consumer, topic, partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
        List<PartitionRange> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long first = Math.max(begin.get(tp), from == null ? 0 : from);
            long last = Math.min(end.get(tp), to == null ? Long.MAX_VALUE : to);
            out.add(new PartitionRange(tp.partition(), first, Math.max(first, last)));
        }
        return out;
    }

    /**
     * The ranges from the first record whose timestamp is at or after {@code from} to the first at or after
     * {@code to} ({@code null}: the end) (Kafka's {@code offsetsForTimes}), of these partitions (every one when
     * empty).
     */
    static List<PartitionRange> byTime(KafkaConsumer<?, ?> consumer, String topic, Collection<Integer> partitions,
            Instant from, Instant to) {
        List<TopicPartition> tps = partitions(consumer, topic, partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at(tps, from), TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> stops = to == null ? Map.of()
                : consumer.offsetsForTimes(at(tps, to), TIMEOUT);
        List<PartitionRange> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long first = Math.max(begin.get(tp), offsetOr(starts.get(tp), end.get(tp)));
            long last = Math.min(end.get(tp), offsetOr(stops.get(tp), end.get(tp)));
            out.add(new PartitionRange(tp.partition(), first, Math.max(first, last)));
        }
        return out;
    }

    private static Map<TopicPartition, Long> at(List<TopicPartition> tps, Instant when) {
        Map<TopicPartition, Long> out = new HashMap<>();
        tps.forEach(tp -> out.put(tp, when.toEpochMilli()));
        return out;
    }

    private static long offsetOr(OffsetAndTimestamp found, long otherwise) {
        return found == null ? otherwise : found.offset();
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic,
            Collection<Integer> wanted) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("no topic " + topic);
        }
        TreeSet<Integer> existing = new TreeSet<>();
        infos.forEach(p -> existing.add(p.partition()));
        for (int p : wanted) {
            if (!existing.contains(p)) {
                throw new IllegalArgumentException(topic + " has no partition " + p + " (it has " + existing + ")");
            }
        }
        List<TopicPartition> out = new ArrayList<>();
        for (int p : wanted.isEmpty() ? existing : new TreeSet<>(wanted)) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }
}
