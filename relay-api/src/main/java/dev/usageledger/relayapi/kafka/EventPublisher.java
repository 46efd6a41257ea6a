package dev.usageledger.relayapi.kafka;

import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes the events of one request atomically: in one Kafka transaction, each {@link EncodedEvent} as a record of
 * its key and value, its type as header {@code type}. {@link #publish} returns only after the transaction committed,
 * so every event is acknowledged by all in-sync replicas, and throws {@link PublishFailedException} otherwise.
 *
 * <p>Group commit: requests that arrive while every committer is busy share the next transaction
 * ({@link TransactionGroups}; at most {@code concurrency} transactions in flight, at most {@code maxGroupEvents}
 * events in one). A request's events are never split across transactions, and a transaction that fails fails every
 * request in it: none of their events is visible to {@code read_committed} consumers, each gets a 503 and may be
 * retried with the same request ids. Sharing the commit (the broker's transaction markers, the producer's round
 * trips) is what makes small batches cheap.
 *
 * <p>The caller never waits longer than the publish timeout. A request still queued at its deadline is dropped
 * unpublished; a transaction checks the earliest deadline of its requests before it commits and aborts when it
 * passed; a transaction that fails is aborted and its producer discarded by Spring Kafka (a producer whose begin,
 * commit or abort failed is closed, not returned to the cache), so the next request gets a fresh producer once Kafka
 * is back.
 */
public final class EventPublisher implements DisposableBean {

    /** Record header naming the event type, so consumers can route without parsing. */
    public static final String TYPE_HEADER = "type";

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final KafkaTemplate<String, byte[]> template;
    private final String topic;
    private final Duration timeout;
    private final TopicProvisioner topics;
    private final IngestMetrics metrics;
    private final TransactionGroups<ProducerRecord<String, byte[]>> groups;

    public EventPublisher(KafkaTemplate<String, byte[]> template, String topic, Duration timeout, int concurrency,
            int maxGroupEvents, TopicProvisioner topics, IngestMetrics metrics) {
        this.template = template;
        this.topic = topic;
        this.timeout = timeout;
        this.topics = topics;
        this.metrics = metrics;
        AtomicInteger threads = new AtomicInteger();
        this.groups = new TransactionGroups<>(this::publishInOneTransaction, concurrency, maxGroupEvents,
                System::nanoTime, runnable -> {
                    Thread thread = new Thread(runnable, "kafka-publish-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Publishes {@code events} in one transaction and waits for its commit.
     *
     * @throws PublishFailedException when Kafka did not commit within the publish timeout or refused the events
     */
    public void publish(List<EncodedEvent> events) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (EncodedEvent event : events) {
            records.add(record(event));
        }
        Future<?> transaction;
        try {
            transaction = groups.submit(records, deadline);
        } catch (RejectedExecutionException e) {
            throw failed(start, "the service is shutting down", e);
        }
        try {
            transaction.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw failed(start, "Kafka did not acknowledge within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw failed(start, "Kafka did not acknowledge within " + timeout.toMillis() + " ms", null);
            }
            throw failed(start, "Kafka did not acknowledge: " + Failures.describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(start, "interrupted while waiting for Kafka", e);
        }
        metrics.published(Duration.ofNanos(System.nanoTime() - start), true);
    }

    private ProducerRecord<String, byte[]> record(EncodedEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key(), event.value());
        record.headers().add(TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private void publishInOneTransaction(List<ProducerRecord<String, byte[]>> records, long deadline) {
        if (deadline - System.nanoTime() <= 0) {
            throw new KafkaException("the publish timeout passed before a producer was free");
        }
        if (!topics.ensure()) {
            throw new KafkaException("the topics are not in place yet (Kafka unreachable at the last check)");
        }
        template.executeInTransaction(operations -> {
            List<CompletableFuture<SendResult<String, byte[]>>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, byte[]> record : records) {
                acks.add(operations.send(record));
            }
            // Sends what linger.ms would hold back: nothing else joins this transaction.
            operations.flush();
            for (CompletableFuture<SendResult<String, byte[]>> ack : acks) {
                awaitAck(ack, deadline);
            }
            if (deadline - System.nanoTime() <= 0) {
                // Aborting keeps "503 means not published" true in all but a commit already in flight.
                throw new KafkaException("the publish timeout passed before the commit");
            }
            return null;
        });
    }

    private static void awaitAck(CompletableFuture<SendResult<String, byte[]>> ack, long deadline) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new KafkaException("the publish timeout passed before Kafka acknowledged every event", e);
        } catch (ExecutionException e) {
            throw new KafkaException("Kafka refused an event: " + Failures.describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for Kafka", e);
        }
    }

    private PublishFailedException failed(long start, String message, Throwable cause) {
        metrics.published(Duration.ofNanos(System.nanoTime() - start), false);
        log.warn("publish failed: {}", message);
        return new PublishFailedException(message, cause);
    }

    /** Lets queued and in-flight transactions finish (each bounded by the producer's timeouts), then stops. */
    @Override
    public void destroy() throws InterruptedException {
        groups.close(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }
}
