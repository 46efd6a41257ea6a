package dev.usageledger.cli;

import dev.usageledger.projections.event.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The CLI's one producer to the events topic (dead-letters republish, reprice): idempotent, {@code acks=all}, so a
 * retried send is never written twice by the producer; an event sent twice anyway (a re-run) is counted once by
 * usage-consumer's id claims, as any resend (CONTRACT §1). {@link #send} returns only once Kafka acknowledged every
 * record, or throws.
 */
final class EventPublisher implements AutoCloseable {

    /** The header naming an event's type, as relay-api sets it. */
    static final String TYPE_HEADER = "type";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    EventPublisher(String bootstrapServers, String topic, String clientId) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    String topic() {
        return topic;
    }

    /** An event's record for the topic: keyed by its API key and typed in {@link #TYPE_HEADER}, as relay-api's. */
    ProducerRecord<String, byte[]> record(EncodedEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key(), event.value());
        record.headers().add(TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Sends the records (their topic must be {@link #topic()}); returns where each landed, in order. */
    List<RecordMetadata> send(List<ProducerRecord<String, byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            sent.add(producer.send(record));
        }
        try {
            List<RecordMetadata> out = new ArrayList<>(sent.size());
            for (Future<RecordMetadata> f : sent) {
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

    @Override
    public void close() {
        producer.close(TIMEOUT);
    }
}
