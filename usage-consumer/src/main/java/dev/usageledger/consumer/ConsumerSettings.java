package dev.usageledger.consumer;

import dev.usageledger.projections.retry.RetrySettings;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typed settings of usage-consumer, bound from {@code ledger.*} and checked at start-up: a bad
 * value fails the boot with a message naming the property.
 */
@ConfigurationProperties("ledger")
public record ConsumerSettings(
        @DefaultValue Kafka kafka,
        @DefaultValue Consumer consumer,
        @DefaultValue Reporting reporting,
        @DefaultValue Projection projection) {

    /**
     * @param topic           the events topic (CONTRACT §0)
     * @param deadLetterTopic where undecodable or invalid messages go, with the reason in headers
     * @param partitions      partitions of both topics when this app creates them
     */
    public record Kafka(
            @DefaultValue("usage-events") String topic,
            @DefaultValue("usage-events.DLT") String deadLetterTopic,
            @DefaultValue("6") int partitions,
            @DefaultValue("1") short replicationFactor) {
        public Kafka {
            require(!topic.isBlank(), "ledger.kafka.topic must not be blank");
            require(!deadLetterTopic.isBlank(), "ledger.kafka.dead-letter-topic must not be blank");
            require(partitions >= 1, "ledger.kafka.partitions must be at least 1");
            require(replicationFactor >= 1, "ledger.kafka.replication-factor must be at least 1");
        }
    }

    /**
     * @param group          consumer group; offsets are stored in MySQL under this name
     * @param concurrency    listener threads in this instance (at most the partition count is useful)
     * @param maxPollRecords most records in one batch (one MySQL transaction)
     * @param retryBackoff   wait before a failed batch is tried again (MySQL down, retries exhausted)
     */
    public record Consumer(
            @DefaultValue("usage-consumer") String group,
            @DefaultValue("1") int concurrency,
            @DefaultValue("5000") int maxPollRecords,
            @DefaultValue("1s") Duration retryBackoff) {
        public Consumer {
            require(!group.isBlank(), "ledger.consumer.group must not be blank");
            require(concurrency >= 1, "ledger.consumer.concurrency must be at least 1");
            require(maxPollRecords >= 1, "ledger.consumer.max-poll-records must be at least 1");
            require(!retryBackoff.isNegative(), "ledger.consumer.retry-backoff must not be negative");
        }
    }

    /** @param zone the time zone of day and month buckets (hours are UTC hours) */
    public record Reporting(@DefaultValue("UTC") String zone) {
        public Reporting {
            try {
                ZoneId.of(zone);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("ledger.reporting.zone is not a time zone: " + zone, e);
            }
        }

        public ZoneId zoneId() {
            return ZoneId.of(zone);
        }
    }

    /** Whole-transaction retry on deadlock, lock wait timeout and lost connection. */
    public record Projection(@DefaultValue Retry retry) {}

    public record Retry(
            @DefaultValue("30") int maxAttempts,
            @DefaultValue("5ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("500ms") Duration maxBackoff,
            @DefaultValue("0.5") double jitter) {

        public RetrySettings toSettings() {
            try {
                return new RetrySettings(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ledger.projection.retry: " + e.getMessage(), e);
            }
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
