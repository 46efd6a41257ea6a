package dev.usageledger.relayapi.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Makes sure the given topics exist with at least their partitions, through Spring Kafka's {@link KafkaAdmin}: first at
 * start-up, then, because the service starts even when Kafka is down, from publishing and the readiness check until
 * it succeeds once. Attempts are at least {@code retryInterval} apart, so an outage costs one slow attempt per
 * interval, not one per request; a caller that waited for another's attempt takes its outcome instead of making one of
 * its own right after it (so a caller waits for at most one attempt). Nothing is published before the topics are in place: a broker that auto-creates
 * topics would otherwise create ours with its own partition count. Never throws.
 */
public final class TopicProvisioner implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final KafkaAdmin admin;
    private final NewTopic[] topics;
    private final long retryIntervalNanos;
    private volatile boolean ready;
    private long lastAttempt;
    private boolean attempted;
    /** Attempts finished; read before waiting for the lock, to tell whether one finished meanwhile. */
    private volatile long finished;

    public TopicProvisioner(KafkaAdmin admin, List<NewTopic> topics, Duration retryInterval) {
        this.admin = admin;
        this.topics = topics.toArray(NewTopic[]::new);
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    @Override
    public void afterSingletonsInstantiated() {
        ensure();
    }

    /** True once the topics were created or found; otherwise tries again if the last attempt is old enough. */
    public boolean ensure() {
        if (ready) {
            return true;
        }
        long finishedBefore = finished;
        synchronized (this) {
            long now = System.nanoTime();
            if (ready || finished != finishedBefore || (attempted && now - lastAttempt < retryIntervalNanos)) {
                return ready;
            }
            attempted = true;
            lastAttempt = now;
            try {
                admin.createOrModifyTopics(topics);
                ready = true;
                log.info("Kafka topics in place: {}", Arrays.stream(topics).map(NewTopic::name).toList());
            } catch (RuntimeException e) {
                log.warn("Kafka topics not in place yet (will retry): {}", Failures.describe(e));
            } finally {
                finished++;
            }
            return ready;
        }
    }

    public boolean ready() {
        return ready;
    }
}
