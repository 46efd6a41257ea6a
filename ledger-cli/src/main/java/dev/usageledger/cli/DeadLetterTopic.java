package dev.usageledger.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The dead-letter topic read without a consumer group (nothing committed, nothing moved for the apps), and
 * re-publishing to the events topic with an idempotent producer ({@code acks=all}). A re-published event that was
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
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only what the consumer's transactions committed; aborted dead letters are not there.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-cli-dead-letters");
        this.consumer = new KafkaConsumer<>(props);
    }

    /** Every dead letter, by partition then offset. */
    List<DeadLetter> all() {
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        Map<Integer, List<DeadLetter>> byPartition = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + deadLetterTopic + " did not reach its end in " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(deadLetter(r));
            }
        }
        List<DeadLetter> out = new ArrayList<>();
        byPartition.values().forEach(out::addAll);
        return out;
    }

    /** The dead letters with these ids ({@code <partition>:<offset>}), in the order given; absent ones are empty. */
    Map<String, Optional<DeadLetter>> find(List<String> ids) {
        Map<String, Optional<DeadLetter>> out = new LinkedHashMap<>();
        Map<String, DeadLetter> byId = new HashMap<>();
        for (DeadLetter d : all()) {
            byId.put(d.id(), d);
        }
        for (String id : ids) {
            out.put(id, Optional.ofNullable(byId.get(id)));
        }
        return out;
    }

    /** Publishes each dead letter's key and value to the events topic; returns where each landed. */
    List<RecordMetadata> republish(List<DeadLetter> deadLetters) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-cli-republish");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (DeadLetter d : deadLetters) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, d.key(), d.value());
                record.headers().add(REPUBLISHED_FROM_HEADER,
                        (deadLetterTopic + ":" + d.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sent.add(producer.send(record));
            }
            List<RecordMetadata> out = new ArrayList<>();
            for (var f : sent) {
                out.add(f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
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

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
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
