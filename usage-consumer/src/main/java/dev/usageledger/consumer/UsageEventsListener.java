package dev.usageledger.consumer;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.mysql.ConsumerOffsets;
import dev.usageledger.projections.mysql.FencedException;
import dev.usageledger.projections.mysql.PartitionClaim;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionWriter;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

/**
 * One consumed batch = one MySQL transaction (via {@link ProjectionWriter}): the ledger rows, the
 * folded stats and the next offset of every partition in the batch, committed together.
 *
 * <p>Offsets are stored in MySQL, not trusted from Kafka: on assignment the listener claims its
 * partitions (bumping their epoch, which fences a previous owner still finishing a batch) and
 * seeks to the stored offsets. Poison messages are published to the dead-letter topic, with the
 * reason in the {@value #REASON_HEADER} header, before the batch commits; their offsets are
 * committed with the batch, so a restart does not dead-letter them again.
 */
@Component
class UsageEventsListener implements ConsumerSeekAware {

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

    UsageEventsListener(EventCodec codec, ProjectionWriter writer, ConsumerOffsets offsets,
            DeadLetterPublishingRecoverer deadLetters, ConsumerSettings settings, MeterRegistry registry) {
        this.codec = codec;
        this.writer = writer;
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.settings = settings;
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

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(epochs::remove);
    }

    @KafkaListener(id = "usage-events-projection", topics = "${ledger.kafka.topic:usage-events}",
            containerFactory = ConsumerConfiguration.CONTAINER_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        if (records.isEmpty()) {
            return;
        }
        Timer.Sample sample = Timer.start();
        String topic = records.get(0).topic();
        Set<Integer> skipped = claimUnclaimed(topic, records, consumer);
        List<LedgerEvent> events = new ArrayList<>(records.size());
        Map<Integer, Long> nextOffsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (skipped.contains(record.partition())) {
                continue;
            }
            nextOffsets.merge(record.partition(), record.offset() + 1, Math::max);
            try {
                events.add(codec.decode(record.value()));
            } catch (EventDecodingException e) {
                deadLetter(record, e);
            }
        }
        Map<Integer, Long> claimedEpochs = new HashMap<>();
        nextOffsets.keySet().forEach(p -> claimedEpochs.put(p, epochs.get(new TopicPartition(topic, p))));
        try {
            if (!nextOffsets.isEmpty()) {
                WriteResult result = writer.write(
                        new ProjectionBatch(settings.consumer().group(), topic, events, nextOffsets, claimedEpochs));
                log.debug("batch of {} records: {}", records.size(), result);
            }
        } catch (FencedException e) {
            fenced.increment();
            // Forget the stale claims: if this consumer still owns a partition, its next batch claims
            // it again and seeks back to the stored offset.
            nextOffsets.keySet().forEach(p -> epochs.remove(new TopicPartition(topic, p)));
            log.warn("batch of {} records not committed: {}", records.size(), e.getMessage());
        } finally {
            batchSize.record(records.size());
            sample.stop(batchTimer);
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
