package dev.usageledger.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The dead-letter topic read without a consumer group (nothing committed, nothing moved for the apps): streamed
 * ({@link #forEach}) or one record sought by its place ({@link #at}), never the whole topic held in memory; and
 * re-publishing to the events topic ({@link EventPublisher}). A re-published event that was
 * counted before is not counted again: usage-consumer's id claims decide, as for any resend (CONTRACT §1).
 */
final class DeadLetterTopic implements AutoCloseable {

    /** Header on a re-published record: where in the dead-letter topic it came from. */
    static final String REPUBLISHED_FROM_HEADER = "ledger-republished-from";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrapServers;
    private final String topic;
    private final String deadLetterTopic;
    private final KafkaConsumer<String, byte[]> consumer;

    DeadLetterTopic(String bootstrapServers, String topic, String deadLetterTopic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        // Only what the consumer's transactions committed; aborted dead letters are not there.
        this.consumer = TopicConsumers.open(bootstrapServers, "ledger-cli-dead-letters");
    }

    /**
     * Hands every dead letter to {@code each}, by partition then offset, as it reads them: one partition assigned at a
     * time, so memory holds one poll whatever the topic's size. Stops at each partition's end as it was when that
     * partition's reading began.
     *
     * @return how many were handed over
     */
    long forEach(java.util.function.Consumer<DeadLetter> each) {
        long count = 0;
        for (TopicPartition partition : partitions()) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + partition + " did not reach its end in " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() < end) {
                        each.accept(deadLetter(r));
                        count++;
                        deadline = System.nanoTime() + TIMEOUT.toNanos();
                    }
                }
            }
        }
        consumer.unsubscribe();
        return count;
    }

    /**
     * The dead letter at that partition and offset, read by seeking there (nothing else is read); empty when the
     * partition does not exist, the offset is outside what the partition holds, or it is no committed record (an
     * aborted one, a transaction marker).
     */
    Optional<DeadLetter> at(int partition, long offset) {
        TopicPartition tp = new TopicPartition(deadLetterTopic, partition);
        if (!partitions().contains(tp)) {
            return Optional.empty();
        }
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
        long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
        if (offset < begin || offset >= end) {
            return Optional.empty();
        }
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(tp, TIMEOUT) <= offset) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + tp + " at " + offset + " took over " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                // The first record at or after the offset: the one asked for, or proof that it is not there.
                return r.offset() == offset ? Optional.of(deadLetter(r)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The dead letters with these ids ({@code <partition>:<offset>}), in the order given; absent ones are empty. */
    Map<String, Optional<DeadLetter>> find(List<String> ids) {
        Map<String, Optional<DeadLetter>> out = new LinkedHashMap<>();
        for (String id : ids) {
            String[] parts = id.split(":");
            try {
                out.put(id, at(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                out.put(id, Optional.empty());
            }
        }
        return out;
    }

    /** Publishes each dead letter's key and value to the events topic; returns where each landed. */
    List<RecordMetadata> republish(List<DeadLetter> deadLetters) {
        try (EventPublisher publisher = new EventPublisher(bootstrapServers, topic, "ledger-cli-republish")) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (DeadLetter d : deadLetters) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, d.key(), d.value());
                record.headers().add(REPUBLISHED_FROM_HEADER,
                        (deadLetterTopic + ":" + d.id()).getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
            return publisher.send(records);
        }
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(deadLetterTopic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("no topic " + deadLetterTopic + " on " + bootstrapServers);
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : infos) {
            out.add(new TopicPartition(deadLetterTopic, p.partition()));
        }
        return out;
    }

    private static DeadLetter deadLetter(ConsumerRecord<String, byte[]> r) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(Map.entry(h.key(), h.value() == null ? new byte[0] : h.value()));
        }
        return new DeadLetter(r.partition() + ":" + r.offset(), r.partition(), r.offset(),
                Instant.ofEpochMilli(r.timestamp()), r.key(), r.value(), headers);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
