package dev.usageledger.cli;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.mysql.EventClaims;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.mysql.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-consumes offset ranges of the events topic and projects what it reads through usage-consumer's own writer
 * ({@link ProjectionWriter}): the id claims decide what is new, so an event counted before stays counted once, and
 * the fold, the version rule and the stats are the consumer's. Nothing is stored in {@code consumer_offsets} (the
 * batches carry no offsets) and no consumer group is used, so the live consumer's offsets never move. A record that
 * does not decode is reported as dead, never projected. A dry run asks the claims which ids are new and writes
 * nothing; it remembers the ids it found new, so that one repeated within the range counts once (memory grows with
 * them, never with the ids counted before). Not thread-safe.
 */
final class Replay {

    /** The group name conflict rows and the writer's logs carry; no offsets are stored under it. */
    static final String GROUP = "ledger-cli-replay";

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALL = Duration.ofSeconds(30);

    /** A record that did not decode. */
    record Dead(int partition, long offset, String reason) {}

    /** What one partition's range gave. */
    record Tally(PartitionRange range, long read, long added, long duplicates, List<Dead> dead) {}

    /** Where decoded events go: the writer, or the claims in a dry run; answers how many were new. */
    private interface Target {
        long project(String topic, List<LedgerEvent> events, List<ProjectionBatch.Position> positions);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final EventCodec codec = new EventCodec();
    private final Target target;
    private final int batchSize;

    private Replay(KafkaConsumer<String, byte[]> consumer, String topic, Target target, int batchSize) {
        this.consumer = consumer;
        this.topic = topic;
        this.target = target;
        this.batchSize = batchSize;
    }

    /** A replay that projects through {@code writer}, {@code batchSize} events per transaction. */
    static Replay projecting(KafkaConsumer<String, byte[]> consumer, String topic, ProjectionWriter writer,
            int batchSize) {
        return new Replay(consumer, topic, (t, events, positions) -> {
            WriteResult r = writer.write(new ProjectionBatch(GROUP, t, events, Map.of(), Map.of(), positions));
            return r.newUsage() + r.newAdjustments();
        }, batchSize);
    }

    /** A replay that writes nothing: new is what the claims do not hold and this run did not see before. */
    static Replay dryRun(KafkaConsumer<String, byte[]> consumer, String topic, EventClaims claims, int batchSize) {
        Set<String> seen = new HashSet<>();
        return new Replay(consumer, topic, (t, events, positions) -> {
            List<String> requestIds = new ArrayList<>();
            List<String> adjustmentIds = new ArrayList<>();
            for (LedgerEvent e : events) {
                (e instanceof CostAdjusted ? adjustmentIds : requestIds).add(e.eventId());
            }
            Set<String> counted = new HashSet<>();
            claims.countedRequestIds(requestIds).forEach(id -> counted.add("U" + id));
            claims.countedAdjustmentIds(adjustmentIds).forEach(id -> counted.add("A" + id));
            long added = 0;
            for (LedgerEvent e : events) {
                String key = (e instanceof CostAdjusted ? "A" : "U") + e.eventId();
                if (!counted.contains(key) && seen.add(key)) {
                    added++;
                }
            }
            return added;
        }, batchSize);
    }

    /**
     * Reads the range to its end and projects it, a batch at a time.
     *
     * @param progress told of every poll: the offsets it advanced over and the records it read
     */
    Tally run(PartitionRange range, Progress progress) {
        TopicPartition tp = new TopicPartition(topic, range.partition());
        consumer.assign(List.of(tp));
        consumer.seek(tp, range.from());
        List<LedgerEvent> events = new ArrayList<>(batchSize);
        List<ProjectionBatch.Position> positions = new ArrayList<>(batchSize);
        List<Dead> dead = new ArrayList<>();
        long read = 0;
        long added = 0;
        long position = range.from();
        long stalledSince = System.nanoTime();
        while (position < range.to()) {
            long polled = 0;
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= range.to()) {
                    continue;
                }
                polled++;
                try {
                    events.add(codec.decode(r.value()));
                    positions.add(new ProjectionBatch.Position(r.partition(), r.offset()));
                } catch (EventDecodingException e) {
                    dead.add(new Dead(r.partition(), r.offset(), e.getMessage()));
                }
                if (events.size() >= batchSize) {
                    added += flush(events, positions);
                }
            }
            long next = Math.min(consumer.position(tp), range.to());
            if (next > position) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALL.toNanos()) {
                throw new IllegalStateException("reading " + tp + " stalled at offset " + position + " for " + STALL);
            }
            read += polled;
            progress.advance(next - position, polled);
            position = next;
        }
        added += flush(events, positions);
        long valid = read - dead.size();
        return new Tally(range, read, added, valid - added, dead);
    }

    private long flush(List<LedgerEvent> events, List<ProjectionBatch.Position> positions) {
        if (events.isEmpty()) {
            return 0;
        }
        long added = target.project(topic, List.copyOf(events), List.copyOf(positions));
        events.clear();
        positions.clear();
        return added;
    }
}
