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
        @DefaultValue Projection projection,
        @DefaultValue Counters counters,
        @DefaultValue Redis redis,
        @DefaultValue Ingest ingest) {

    public ConsumerSettings {
        require(counters.dedupeHorizon().compareTo(ingest.maxEventAge()) >= 0,
                "ledger.counters.dedupe-horizon (" + counters.dedupeHorizon()
                        + ") must be at least ledger.ingest.max-event-age (" + ingest.maxEventAge()
                        + "): a relay may resend an event that old");
    }

    /**
     * The usage-fed counters of the limits in Redis (README "Rate limits and quotas"): a second listener on the events
     * topic, in its own consumer group, so a stalled MySQL never stalls the limits (and a stalled Redis never stalls
     * the ledger).
     *
     * @param enabled           run the counters projection in this instance
     * @param group             its consumer group; its resume offsets are kept in Redis under this name
     * @param dedupeHorizon     how long an event id is remembered per key; at least {@code ledger.ingest.max-event-age}
     * @param limitsCacheTtl    how long a key's limits (window length, weekly reset) are reused before MySQL is asked
     *                          again; a stale copy is used while MySQL fails
     * @param reconcileInterval how often the counters are compared with MySQL and corrected, when the projection is
     *                          idle and MySQL has caught up
     * @param idleInterval      how long without records before the projection counts as idle
     * @param maxPollRecords    most records in one batch
     * @param retryBackoff      wait before a failed batch (Redis down) is tried again
     */
    public record Counters(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("usage-counters") String group,
            @DefaultValue("31d") Duration dedupeHorizon,
            @DefaultValue("30s") Duration limitsCacheTtl,
            @DefaultValue("1h") Duration reconcileInterval,
            @DefaultValue("5s") Duration idleInterval,
            @DefaultValue("5000") int maxPollRecords,
            @DefaultValue("1s") Duration retryBackoff) {
        public Counters {
            require(group.matches("[A-Za-z0-9._:-]{1,64}"),
                    "ledger.counters.group must be 1 to 64 of [A-Za-z0-9._:-], was " + group);
            require(dedupeHorizon.toMillis() > 0, "ledger.counters.dedupe-horizon must be positive");
            require(!limitsCacheTtl.isNegative(), "ledger.counters.limits-cache-ttl must not be negative");
            require(reconcileInterval.toMillis() > 0, "ledger.counters.reconcile-interval must be positive");
            require(idleInterval.toMillis() >= 100, "ledger.counters.idle-interval must be at least 100ms");
            require(maxPollRecords >= 1, "ledger.counters.max-poll-records must be at least 1");
            require(!retryBackoff.isNegative(), "ledger.counters.retry-backoff must not be negative");
        }
    }

    /**
     * The Redis of the limits (the same as relay-api's {@code ledger.redis.*}).
     *
     * @param uri     {@code redis://[user:password@]host:port[/db]} or {@code rediss://…}
     * @param timeout connect and read timeout of one call
     */
    public record Redis(
            @DefaultValue("redis://127.0.0.1:6379") java.net.URI uri,
            @DefaultValue("2s") Duration timeout) {
        public Redis {
            require(uri != null && ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                    && uri.getHost() != null, "ledger.redis.uri must be redis://host:port or rediss://host:port");
            require(timeout.toMillis() > 0, "ledger.redis.timeout must be positive");
        }

        @Override
        public String toString() {
            return "Redis[uri=" + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort() + "]";
        }
    }

    /** @param maxEventAge the ingest's oldest accepted {@code occurredAt} (relay-api's setting of the same name) */
    public record Ingest(@DefaultValue("30d") Duration maxEventAge) {}

    /**
     * @param topic           the events topic (CONTRACT §0)
     * @param deadLetterTopic where undecodable or invalid messages go, with the reason in headers
     * @param partitions      partitions of both topics when this app creates them
     * @param limitsTopic     relay-api's {@code limits.changed} topic (its setting of the same name): read from its end
     *                        by every instance, without a group, to drop a changed key's limits cached for the counters
     */
    public record Kafka(
            @DefaultValue("usage-events") String topic,
            @DefaultValue("usage-events.DLT") String deadLetterTopic,
            @DefaultValue("6") int partitions,
            @DefaultValue("1") short replicationFactor,
            @DefaultValue("limits-changes") String limitsTopic) {
        public Kafka {
            require(!topic.isBlank(), "ledger.kafka.topic must not be blank");
            require(!deadLetterTopic.isBlank(), "ledger.kafka.dead-letter-topic must not be blank");
            require(!limitsTopic.isBlank(), "ledger.kafka.limits-topic must not be blank");
            require(!limitsTopic.equals(topic) && !limitsTopic.equals(deadLetterTopic),
                    "ledger.kafka.limits-topic must differ from ledger.kafka.topic and ledger.kafka.dead-letter-topic");
            require(partitions >= 1, "ledger.kafka.partitions must be at least 1");
            require(replicationFactor >= 1, "ledger.kafka.replication-factor must be at least 1");
        }
    }

    /**
     * @param group          consumer group; offsets are stored in MySQL under this name
     * @param concurrency    listener threads in this instance (at most the partition count is useful)
     * @param maxPollRecords most records in one batch (one MySQL transaction)
     * @param retryBackoff   wait before a failed batch is tried again (MySQL down, retries exhausted)
     * @param catchUpBudget  most events of one MySQL transaction while the consumer catches up: a consumer behind by
     *                       more than a poll (a full poll with another full poll of lag behind it) gathers polls into
     *                       one transaction, ledger rows written per poll, stats folded across the polls and upserted
     *                       once at commit. It commits once a poll is not full or leaves less than a full poll behind,
     *                       before one more full poll could exceed this budget, once its polls fold into 25,000 stats
     *                       rows, or after 10 s. Less than {@code 2 × maxPollRecords} turns gathering off (one
     *                       transaction per poll)
     * @param localInfileDir a directory of the consumer's own: ledger rows, id claims and stats rows are loaded from
     *                       files written there with {@code LOAD DATA LOCAL INFILE} when the server allows it; the
     *                       data source's {@code allowLoadLocalInfileInPath} must name it. Blank: {@code INSERT} only
     */
    public record Consumer(
            @DefaultValue("usage-consumer") String group,
            @DefaultValue("1") int concurrency,
            @DefaultValue("5000") int maxPollRecords,
            @DefaultValue("1s") Duration retryBackoff,
            @DefaultValue("100000") int catchUpBudget,
            @DefaultValue("") String localInfileDir) {
        public Consumer {
            require(!group.isBlank(), "ledger.consumer.group must not be blank");
            require(concurrency >= 1, "ledger.consumer.concurrency must be at least 1");
            require(maxPollRecords >= 1, "ledger.consumer.max-poll-records must be at least 1");
            require(!retryBackoff.isNegative(), "ledger.consumer.retry-backoff must not be negative");
            require(catchUpBudget >= 1, "ledger.consumer.catch-up-budget must be at least 1");
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
