package dev.usageledger.relayapi.limits;

import dev.usageledger.limits.LimitsChangeReceiver;
import dev.usageledger.limits.LimitsChanged;
import dev.usageledger.limits.LimitsChangedCodec;
import dev.usageledger.limits.LimitsChangesTopic;
import dev.usageledger.relayapi.kafka.Failures;
import dev.usageledger.relayapi.kafka.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes {@code limits.changed} after a change of a key's limits committed in MySQL, so that every relay-api and
 * usage-consumer instance drops its cached copy ({@link LimitsChangeReceiver}). Best effort by design: MySQL is the
 * truth, so when Kafka does not acknowledge within the timeout the change stands, the failure is logged and counted
 * ({@value #PUBLISHED}{@code {outcome="failure"}}), and other instances apply it once their cached copy expires
 * ({@code ledger.limits.cache-ttl}). Never throws. Every event goes to {@link LimitsChangesTopic#PARTITION}, the one
 * partition the instances read.
 */
public final class LimitsChangePublisher implements LimitsChangeNotifier, DisposableBean {

    public static final String PUBLISHED = "ledger.limits.changes.published";
    private static final Logger log = LoggerFactory.getLogger(LimitsChangePublisher.class);

    private final KafkaTemplate<String, byte[]> template;
    private final LimitsChangedCodec codec;
    private final String topic;
    private final Duration timeout;
    private final TopicProvisioner topics;
    private final Counter succeeded;
    private final Counter failed;

    public LimitsChangePublisher(KafkaTemplate<String, byte[]> template, LimitsChangedCodec codec, String topic,
            Duration timeout, TopicProvisioner topics, MeterRegistry registry) {
        this.template = template;
        this.codec = codec;
        this.topic = topic;
        this.timeout = timeout;
        this.topics = topics;
        this.succeeded = counter(registry, "success");
        this.failed = counter(registry, "failure");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(PUBLISHED).description("limits.changed events published after a change of limits")
                .tag("outcome", outcome).register(registry);
    }

    /** Publishes {@code change} and waits at most the timeout for Kafka's acknowledgement. */
    @Override
    public void changed(LimitsChanged change) {
        String problem;
        try {
            if (!topics.ensure()) {
                problem = "the topics are not in place (Kafka unreachable at the last check)";
            } else {
                template.send(new ProducerRecord<>(topic, LimitsChangesTopic.PARTITION, change.apiKeyId(),
                        codec.encode(change)))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                succeeded.increment();
                return;
            }
        } catch (TimeoutException e) {
            problem = "Kafka did not acknowledge within " + timeout.toMillis() + " ms";
        } catch (ExecutionException e) {
            problem = Failures.describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        } catch (RuntimeException e) { // send() itself: metadata not available within max.block.ms, closed producer
            problem = Failures.describe(e);
        }
        failed.increment();
        log.warn("limits of {} changed in MySQL, but limits.changed was not published ({}): other instances apply the "
                + "change within ledger.limits.cache-ttl", change.apiKeyId(), problem);
    }

    /** Closes the producer (its factory is this publisher's own, not a bean of its own). */
    @Override
    public void destroy() {
        template.getProducerFactory().reset();
    }
}
