package dev.usageledger.projections.projector;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.FencedException;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionTransaction;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.mysql.WriteResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects consumed polls of the events topic into MySQL ({@link ProjectionWriter}), the ledger rows, the folded
 * stats and the next offset of every partition of the poll committed together: the consumer side of exactly once,
 * free of any framework. A listener container calls it on the consumer's own thread.
 *
 * <p>Offsets are stored in MySQL, not trusted from Kafka: on assignment the projector claims its partitions
 * ({@link PartitionClaims}: bumping their epoch fences a previous owner still finishing a batch) and seeks to the
 * stored offsets. Poison messages are published to the dead-letter topic ({@link DeadLetters}), with the reason in
 * the {@value #REASON_HEADER} header, before the poll commits; their offsets are committed with the poll, so a
 * restart does not dead-letter them again.
 *
 * <p>A consumer that keeps up commits one transaction per poll. A consumer that is behind by more than a poll gathers
 * several polls into one transaction ({@link CatchUpBudget}): each poll's ledger rows are written at once, the stats
 * of all of them upserted once at commit — fewer stats rows per event. If such a transaction fails after its first
 * poll, it is rolled back and every partition it touched is rewound to where the transaction began (the offsets
 * stored in MySQL), so its polls are read and projected again; a transaction still open when partitions are revoked
 * or the container goes idle is committed first. Everything runs on the consumer's thread.
 */
public final class Projector {

    /** The header of a dead-lettered record that says why it was. */
    public static final String REASON_HEADER = "ledger-dlt-reason";
    private static final Logger log = LoggerFactory.getLogger(Projector.class);

    /** Where an assigned partition starts reading (a listener container's seek callback). */
    public interface Seeks {
        void seek(TopicPartition partition, long offset);

        void seekToBeginning(TopicPartition partition);
    }

    private final EventCodec codec;
    private final ProjectionWriter writer;
    private final DeadLetters deadLetters;
    private final String group;
    private final CatchUpBudget budget;
    private final PartitionClaims claims;
    private final ProjectorMetrics metrics;
    /** The gathering transaction of this consumer thread, if one is open. */
    private final ThreadLocal<Gathering> gathering = new ThreadLocal<>();

    /** @param group the consumer group; its offsets are stored in MySQL under this name */
    public Projector(EventCodec codec, ProjectionWriter writer, ConsumerOffsets offsets, DeadLetters deadLetters,
            String group, CatchUpBudget budget, MeterRegistry registry) {
        this.codec = codec;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.group = group;
        this.budget = budget;
        this.claims = new PartitionClaims(offsets, group);
        this.metrics = new ProjectorMetrics(registry);
    }

    /** Claims newly assigned partitions and seeks each to its stored offset. */
    public void assigned(Collection<TopicPartition> partitions, Seeks seeks) {
        claims.assigned(partitions, seeks);
    }

    /** Commits this thread's open transaction (a failed one is rewound), then forgets the partitions' claims. */
    public void revoked(Collection<TopicPartition> partitions) {
        Gathering open = gathering.get();
        if (open != null) {
            commit(open, partitions, "partitions revoked");
        }
        claims.forget(partitions);
    }

    /** No records came for a while: commits this thread's open transaction. */
    public void idle() {
        Gathering open = gathering.get();
        if (open != null) {
            commit(open, List.of(), "no records");
        }
    }

    /**
     * Projects one poll of one topic. A failure it cannot rewind itself (MySQL down past the retries) is thrown:
     * the container must deliver the same poll again.
     */
    public void project(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        Timer.Sample sample = Timer.start();
        String topic = records.get(0).topic();
        Gathering open = gathering.get();
        if (open != null && claims.anyUnclaimed(topic, records)) {
            // A claim runs on another connection: it must not wait for the locks this transaction holds.
            commit(open, List.of(), "a partition to claim");
            open = null;
        }
        Set<Integer> skipped = claims.claimUnclaimed(topic, records, consumer);
        List<LedgerEvent> events = new ArrayList<>(records.size());
        List<ProjectionBatch.Position> positions = new ArrayList<>(records.size());
        Map<Integer, Long> nextOffsets = new HashMap<>();
        Map<Integer, Long> firstOffsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (skipped.contains(record.partition())) {
                continue;
            }
            nextOffsets.merge(record.partition(), record.offset() + 1, Math::max);
            firstOffsets.merge(record.partition(), record.offset(), Math::min);
            try {
                events.add(codec.decode(record.value()));
                positions.add(new ProjectionBatch.Position(record.partition(), record.offset()));
            } catch (EventDecodingException e) {
                deadLetter(record, e);
            }
        }
        ProjectionBatch batch = new ProjectionBatch(group, topic, events, nextOffsets,
                claims.epochs(topic, nextOffsets.keySet()), positions);
        try {
            if (nextOffsets.isEmpty()) {
                return;
            }
            long backlog = backlog(consumer);
            if (open == null && !budget.gathers(records.size(), backlog)) {
                WriteResult result = writer.write(batch);
                log.debug("batch of {} records: {}", records.size(), result);
            } else if (open == null) {
                open = begin(batch, topic, consumer, firstOffsets);
            } else if (!extend(open, batch, firstOffsets)) {
                open = null;
            }
            if (open != null && budget.due(open.openedAt, open.transaction.events(), open.transaction.statsRows(),
                    records.size(), backlog)) {
                commit(open, List.of(), "budget reached");
            }
        } catch (FencedException e) {
            metrics.fenced.increment();
            claims.forget(topic, nextOffsets.keySet());
            log.warn("batch of {} records not committed: {}", records.size(), e.getMessage());
        } finally {
            metrics.batchSize.record(records.size());
            sample.stop(metrics.batch);
        }
    }

    /** Opens a gathering transaction with its first poll (retried as a single poll is). */
    private Gathering begin(ProjectionBatch batch, String topic, Consumer<?, ?> consumer,
            Map<Integer, Long> firstOffsets) {
        long openedAt = budget.now();
        Gathering open = new Gathering(writer.begin(batch), topic, consumer, openedAt, new HashMap<>(firstOffsets));
        gathering.set(open);
        return open;
    }

    /** Writes a poll into the open transaction; false when it failed (the transaction is then rewound, the poll too). */
    private boolean extend(Gathering open, ProjectionBatch batch, Map<Integer, Long> firstOffsets) {
        // Where to rewind: the first offset of each partition in this transaction.
        firstOffsets.forEach(open.firstOffsets::putIfAbsent);
        try {
            open.transaction.add(batch);
            return true;
        } catch (RuntimeException e) {
            abandon(open, List.of(), e);
            return false;
        }
    }

    /** Commits the open transaction; on failure rolls it back and rewinds (never throws). */
    private void commit(Gathering open, Collection<TopicPartition> revoked, String why) {
        try {
            WriteResult result = open.transaction.commit();
            gathering.remove();
            metrics.pollsPerTransaction.record(open.transaction.polls());
            log.debug("committed {} polls ({}): {}", open.transaction.polls(), why, result);
        } catch (RuntimeException e) {
            abandon(open, revoked, e);
        }
    }

    /**
     * Rolls back the open transaction and seeks every partition it touched (and that stays assigned) back to its
     * first offset in it: the offset stored in MySQL, so the polls are read and projected again.
     */
    private void abandon(Gathering open, Collection<TopicPartition> revoked, RuntimeException failure) {
        gathering.remove();
        open.transaction.close();
        if (failure instanceof FencedException) {
            metrics.fenced.increment();
            claims.forget(open.topic, open.firstOffsets.keySet());
        }
        Set<TopicPartition> assigned = open.consumer.assignment();
        open.firstOffsets.forEach((p, offset) -> {
            TopicPartition tp = new TopicPartition(open.topic, p);
            if (assigned.contains(tp) && !revoked.contains(tp)) {
                open.consumer.seek(tp, offset);
            }
        });
        metrics.rewound(failure);
        log.warn("transaction of {} polls ({} events) rolled back, partitions rewound to {}: {}",
                open.transaction.polls(), open.transaction.events(), open.firstOffsets, failure.toString());
    }

    /**
     * Records left behind this poll in the assigned partitions (read_committed: up to the last stable offset), from
     * the consumer's last fetches, no request; {@link CatchUpBudget#UNKNOWN} while any partition's is not known.
     */
    private static long backlog(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return CatchUpBudget.UNKNOWN;
            }
            total += lag.getAsLong();
        }
        return total;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, EventDecodingException reason) {
        log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                reason.getMessage());
        record.headers().add(new RecordHeader(REASON_HEADER, reason.getMessage().getBytes(StandardCharsets.UTF_8)));
        deadLetters.publish(record, reason);
        metrics.deadLettered.increment();
    }

    /**
     * A transaction gathering polls on one consumer thread, and where to rewind its partitions if it fails. Touched
     * by that thread only.
     */
    private record Gathering(ProjectionTransaction transaction, String topic, Consumer<?, ?> consumer, long openedAt,
            Map<Integer, Long> firstOffsets) {}
}
