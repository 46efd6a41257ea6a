package dev.usageledger.relayapi.kafka;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Makes sure the topics declared as {@code NewTopic} beans exist, through Spring Kafka's {@link KafkaAdmin}.
 *
 * <p>The admin creates them at start-up, but the service starts even when Kafka is down, and then nothing would
 * create them until a restart. So publishing and the readiness check call {@link #ensure()} until it succeeds once;
 * attempts are at least {@code retryInterval} apart, so an outage costs one slow attempt per interval, not one per
 * request. Never throws.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final KafkaAdmin admin;
    private final long retryIntervalNanos;
    private volatile boolean ready;
    private long lastAttempt;
    private boolean attempted;

    public TopicProvisioner(KafkaAdmin admin, Duration retryInterval) {
        this.admin = admin;
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    /** True once the topics were created or found; otherwise tries again if the last attempt is old enough. */
    public boolean ensure() {
        if (ready) {
            return true;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (ready || (attempted && now - lastAttempt < retryIntervalNanos)) {
                return ready;
            }
            attempted = true;
            lastAttempt = now;
            try {
                ready = admin.initialize();
                if (ready) {
                    log.info("Kafka topics are in place");
                }
            } catch (RuntimeException e) {
                log.warn("Kafka topics not checked yet: {}", Failures.describe(e));
            }
            return ready;
        }
    }

    public boolean ready() {
        return ready;
    }
}
