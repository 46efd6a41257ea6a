package dev.usageledger.relayapi.it;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events topic with a plain consumer (no group): end offsets as a mark, then what was written after it.
 * {@code read_committed} sees committed transactions only; {@code read_uncommitted} sees every write, aborted ones
 * and transaction markers included, so an unchanged uncommitted end offset proves nothing was written at all.
 */
final class TopicReader implements AutoCloseable {

    private static final EventCodec CODEC = new EventCodec();

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;

    TopicReader(String bootstrapServers, String topic, boolean committedOnly) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
    }

    int partitionCount() {
        return partitions.size();
    }

    Map<TopicPartition, Long> endOffsets() {
        return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
    }

    /** Records written after {@code mark}, polling until {@code done} holds for what was read or the time is up. */
    List<Message> readAfter(Map<TopicPartition, Long> mark, Duration wait, Predicate<List<Message>> done) {
        mark.forEach(consumer::seek);
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !done.test(messages)) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Header type = record.headers().lastHeader("type");
                messages.add(new Message(record.partition(), record.key(),
                        type == null ? null : new String(type.value(), StandardCharsets.UTF_8),
                        CODEC.decode(record.value()), new String(record.value(), StandardCharsets.UTF_8)));
            }
        }
        return messages;
    }

    /** Every record after {@code mark} up to the current end (read_committed: the last stable offset). */
    List<Message> readToEnd(Map<TopicPartition, Long> mark) {
        Map<TopicPartition, Long> end = endOffsets();
        mark.forEach(consumer::seek);
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                messages.add(new Message(record.partition(), record.key(), null, CODEC.decode(record.value()),
                        new String(record.value(), StandardCharsets.UTF_8)));
            }
        }
        return messages;
    }

    record Message(int partition, String key, String typeHeader, LedgerEvent event, String json) {}

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
