package dev.usageledger.consumer;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.FencedException;
import dev.usageledger.projections.mysql.PartitionClaim;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionTransaction;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.retry.RetryClassifier;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.mysql.WriteResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Consumed batches are projected into MySQL (via {@link ProjectionWriter}) with the ledger rows, the
 * folded stats and the next offset of every partition in the batch committed together.
 *
 * <p>A consumer that keeps up commits one transaction per poll. A consumer that is behind by more than a poll
 * (a full poll with another full one behind it) gathers several polls into one transaction ({@link TransactionBudget}, {@link ProjectionTransaction}):
 * each poll's ledger rows are written at once, the stats of all of them are upserted once at commit —
 * fewer stats rows per event. If such a transaction fails after its first poll, it is rolled back and every
 * partition it touched is rewound to where the transaction began (the offsets stored in MySQL), so its polls
 * are read and projected again; a transaction still open when partitions are revoked or the container goes
 * idle is committed first. Every poll after the first is written on a writer thread while the consumer thread
 * polls and decodes the next one ({@code ledger.consumer.overlap-writes}; off, the consumer thread writes it); everything else (the Kafka consumer, seeks, claims, commits, rollbacks) runs
 * on the consumer's own thread, which waits for the write before anything else touches the transaction.
 *
 * <p>Offsets are stored in MySQL, not trusted from Kafka: on assignment the listener claims its
 * partitions (bumping their epoch, which fences a previous owner still finishing a batch) and
 * seeks to the stored offsets. Poison messages are published to the dead-letter topic, with the
 * reason in the {@value #REASON_HEADER} header, before the batch commits; their offsets are
 * committed with the batch, so a restart does not dead-letter them again.
 */
@Component
class UsageEventsListener implements ConsumerSeekAware, DisposableBean {

    static final String REASON_HEADER = "ledger-dlt-reason";
    private static final Logger log = LoggerFactory.getLogger(UsageEventsListener.class);

    private final EventCodec codec;
    private final ProjectionWriter writer;
    private final ConsumerOffsets offsets;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final ConsumerSettings settings;
    private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
    private final Timer batchTimer;
    private final DistributionSummary batchSize;
    private final Counter deadLettered;
    private final Counter fenced;
    private final TransactionRetry retry;
    private final TransactionBudget budget;
    /** The gathering transaction of this consumer thread, if one is open. */
    private final ThreadLocal<Gathering> gathering = new ThreadLocal<>();
    private final Map<RetryClassifier.Failure, Counter> rewinds = new java.util.EnumMap<>(RetryClassifier.Failure.class);
    private final DistributionSummary pollsPerTransaction;
    /**
     * Writes a gathering transaction's polls while the consumer threads poll and decode the next ones; {@code null}
     * when {@code ledger.consumer.overlap-writes} is off (the consumer thread writes them itself).
     */
    private final ExecutorService writerThread;

    UsageEventsListener(EventCodec codec, ProjectionWriter writer, ConsumerOffsets offsets,
            DeadLetterPublishingRecoverer deadLetters, ConsumerSettings settings, TransactionRetry retry,
            TransactionBudget budget, MeterRegistry registry) {
        this.codec = codec;
        this.writer = writer;
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.retry = retry;
        this.budget = budget;
        for (RetryClassifier.Failure f : RetryClassifier.Failure.values()) {
            rewinds.put(f, Counter.builder("ledger.consumer.rewinds")
                    .description("Gathering transactions rolled back after their first poll; their polls are read again")
                    .tag("reason", f.tag())
                    .register(registry));
        }
        CustomizableThreadFactory threads = new CustomizableThreadFactory("ledger-writer-");
        threads.setDaemon(true);
        this.writerThread = settings.consumer().overlapWrites() ? Executors.newCachedThreadPool(threads) : null;
        this.pollsPerTransaction = DistributionSummary.builder("ledger.consumer.transaction.polls")
                .description("Polls committed together in one MySQL transaction")
                .register(registry);
        this.batchTimer = Timer.builder("ledger.consumer.batch")
                .description("Time to decode, fold and commit one batch")
                .publishPercentileHistogram()
                .register(registry);
        this.batchSize = DistributionSummary.builder("ledger.consumer.batch.size")
                .description("Records per consumed batch")
                .baseUnit("records")
                .register(registry);
        this.deadLettered = Counter.builder("ledger.consumer.dead.lettered")
                .description("Messages sent to the dead-letter topic")
                .register(registry);
        this.fenced = Counter.builder("ledger.consumer.fenced.batches")
                .description("Batches refused because another consumer claimed a partition since")
                .register(registry);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        assignments.keySet().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.forEach((topic, partitions) -> {
            List<PartitionClaim> claims;
            try {
                claims = offsets.claim(settings.consumer().group(), topic, partitions);
            } catch (RuntimeException e) {
                // MySQL unreachable: the first batch of each partition claims it instead (see onBatch).
                log.warn("could not claim {} {} on assignment, will claim on the first batch: {}", topic, partitions,
                        e.toString());
                return;
            }
            for (PartitionClaim claim : claims) {
                TopicPartition tp = new TopicPartition(topic, claim.partition());
                epochs.put(tp, claim.epoch());
                if (claim.hasStoredOffset()) {
                    callback.seek(topic, claim.partition(), claim.nextOffset());
                } else {
                    callback.seekToBeginning(topic, claim.partition());
                }
                log.info("claimed {} at epoch {}, resuming at {}", tp, claim.epoch(),
                        claim.hasStoredOffset() ? claim.nextOffset() : "the beginning");
            }
        });
    }

    /** After the containers stopped (an open transaction was committed on revocation). */
    @Override
    public void destroy() {
        if (writerThread != null) {
            writerThread.shutdown();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Gathering open = gathering.get();
        if (open != null) {
            commit(open, partitions, "partitions revoked");
        }
        partitions.forEach(epochs::remove);
    }

    @Override
    public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        Gathering open = gathering.get();
        if (open != null) {
            commit(open, List.of(), "no records");
        }
    }

    @KafkaListener(id = "usage-events-projection", topics = "${ledger.kafka.topic:usage-events}",
            containerFactory = ConsumerConfiguration.CONTAINER_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        Timer.Sample sample = Timer.start();
        String topic = records.get(0).topic();
        Gathering open = gathering.get();
        if (open != null && hasUnclaimed(topic, records)) {
            // A claim runs on another connection: it must not wait for the locks this transaction holds.
            commit(open, List.of(), "a partition to claim");
            open = null;
        }
        Set<Integer> skipped = claimUnclaimed(topic, records, consumer);
        List<LedgerEvent> events = new ArrayList<>(records.size());
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
            } catch (EventDecodingException e) {
                deadLetter(record, e);
            }
        }
        Map<Integer, Long> claimedEpochs = new HashMap<>();
        nextOffsets.keySet().forEach(p -> claimedEpochs.put(p, epochs.get(new TopicPartition(topic, p))));
        ProjectionBatch batch = new ProjectionBatch(settings.consumer().group(), topic, events, nextOffsets,
                claimedEpochs);
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
            if (open != null && budget.due(open.openedAt, open.events, open.statsRows, records.size(), backlog)) {
                commit(open, List.of(), "budget reached");
            }
        } catch (FencedException e) {
            fenced.increment();
            // Forget the stale claims: if this consumer still owns a partition, its next batch claims it again
            // and seeks back to the stored offset.
            nextOffsets.keySet().forEach(p -> epochs.remove(new TopicPartition(topic, p)));
            log.warn("batch of {} records not committed: {}", records.size(), e.getMessage());
        } finally {
            batchSize.record(records.size());
            sample.stop(batchTimer);
        }
    }

    /**
     * Opens a gathering transaction with its first poll. A failure here is retried like a single batch (this poll
     * is all it holds), and when retries are exhausted thrown to the container, which tries the poll again.
     */
    private Gathering begin(ProjectionBatch batch, String topic, Consumer<?, ?> consumer,
            Map<Integer, Long> firstOffsets) {
        long openedAt = budget.now();
        ProjectionTransaction transaction = retry.call(() -> {
            ProjectionTransaction t = writer.open();
            try {
                t.add(batch);
                return t;
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        });
        Gathering open = new Gathering(transaction, topic, consumer, openedAt, new HashMap<>(firstOffsets),
                batch.events().size());
        open.statsRows = transaction.statsRows();
        gathering.set(open);
        return open;
    }

    /**
     * Hands a poll to the writer thread, to be written into the open transaction while this thread polls and
     * decodes the next one (the database and the client work at the same time); false when the previous poll's
     * write failed (the transaction is then rolled back and rewound, this poll with it).
     */
    private boolean extend(Gathering open, ProjectionBatch batch, Map<Integer, Long> firstOffsets) {
        // Where to rewind: the first offset of each partition in this transaction.
        firstOffsets.forEach((p, offset) -> open.firstOffsets.putIfAbsent(p, offset));
        RuntimeException failed = open.awaitWriter();
        if (failed != null) {
            abandon(open, List.of(), failed);
            return false;
        }
        open.events += batch.events().size();
        open.statsRows = open.transaction.statsRows(); // the polls written so far; read before the next write starts
        // Without the writer thread the write runs here; a failure is seen at the next wait all the same.
        open.inFlight = CompletableFuture.runAsync(() -> open.transaction.add(batch),
                writerThread != null ? writerThread : Runnable::run);
        return true;
    }

    /** Commits the open transaction once its last poll is written; on failure rolls it back and rewinds (never throws). */
    private void commit(Gathering open, Collection<TopicPartition> revoked, String why) {
        RuntimeException failed = open.awaitWriter();
        if (failed != null) {
            abandon(open, revoked, failed);
            return;
        }
        try {
            WriteResult result = open.transaction.commit();
            gathering.remove();
            pollsPerTransaction.record(open.transaction.polls());
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
        open.awaitWriter(); // never close the transaction under the writer's feet
        open.transaction.close();
        if (failure instanceof FencedException) {
            fenced.increment();
            open.firstOffsets.keySet().forEach(p -> epochs.remove(new TopicPartition(open.topic, p)));
        }
        Set<TopicPartition> assigned = open.consumer.assignment();
        open.firstOffsets.forEach((p, offset) -> {
            TopicPartition tp = new TopicPartition(open.topic, p);
            if (assigned.contains(tp) && !revoked.contains(tp)) {
                open.consumer.seek(tp, offset);
            }
        });
        rewinds.get(RetryClassifier.classify(failure)).increment();
        log.warn("transaction of {} polls ({} events) rolled back, partitions rewound to {}: {}",
                open.transaction.polls(), open.events, open.firstOffsets, failure.toString());
    }

    /**
     * Records left behind this poll in the assigned partitions (read_committed: up to the last stable offset), from
     * the consumer's last fetches, no request; {@link TransactionBudget#UNKNOWN} while any partition's is not known.
     */
    private static long backlog(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return TransactionBudget.UNKNOWN;
            }
            total += lag.getAsLong();
        }
        return total;
    }

    private boolean hasUnclaimed(String topic, List<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!epochs.containsKey(new TopicPartition(topic, r.partition()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A transaction gathering polls on one consumer thread, where to rewind its partitions if it fails, and the
     * poll being written into it on the writer thread, if any. Touched by the consumer thread only; the
     * transaction itself by one thread at a time (the writer's work is awaited before anything else uses it).
     */
    private static final class Gathering {
        final ProjectionTransaction transaction;
        final String topic;
        final Consumer<?, ?> consumer;
        final long openedAt;
        final Map<Integer, Long> firstOffsets;
        int events;
        int statsRows;
        CompletableFuture<Void> inFlight;

        Gathering(ProjectionTransaction transaction, String topic, Consumer<?, ?> consumer, long openedAt,
                Map<Integer, Long> firstOffsets, int events) {
            this.transaction = transaction;
            this.topic = topic;
            this.consumer = consumer;
            this.openedAt = openedAt;
            this.firstOffsets = firstOffsets;
            this.events = events;
        }

        /** Waits for the poll being written, if any; its failure, if it failed. */
        RuntimeException awaitWriter() {
            CompletableFuture<Void> pending = inFlight;
            inFlight = null;
            if (pending == null) {
                return null;
            }
            try {
                pending.join();
                return null;
            } catch (CompletionException e) {
                return e.getCause() instanceof RuntimeException r ? r : e;
            } catch (CancellationException e) {
                return e;
            }
        }
    }

    /**
     * Claims the partitions of the batch that this consumer holds no claim for (the claim on
     * assignment failed, or was found stale). Where the stored offset lies before the batch's
     * first record, the records in between were never projected: the partition is rewound to the
     * stored offset and its records are left out of this batch.
     *
     * @return the partitions left out of this batch
     */
    private Set<Integer> claimUnclaimed(String topic, List<ConsumerRecord<String, byte[]>> records,
            Consumer<?, ?> consumer) {
        Map<Integer, Long> firstOffsets = new HashMap<>();
        records.forEach(r -> firstOffsets.merge(r.partition(), r.offset(), Math::min));
        List<Integer> unclaimed = firstOffsets.keySet().stream()
                .filter(p -> !epochs.containsKey(new TopicPartition(topic, p))).sorted().toList();
        if (unclaimed.isEmpty()) {
            return Set.of();
        }
        Set<Integer> skipped = new HashSet<>();
        for (PartitionClaim claim : offsets.claim(settings.consumer().group(), topic, unclaimed)) {
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

    private void deadLetter(ConsumerRecord<String, byte[]> record, EventDecodingException reason) {
        log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                reason.getMessage());
        record.headers().add(new RecordHeader(REASON_HEADER, reason.getMessage().getBytes(StandardCharsets.UTF_8)));
        deadLetters.accept(record, reason);
        deadLettered.increment();
    }
}
