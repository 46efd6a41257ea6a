package dev.usageledger.common;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * The contract settings every process of the ledger shares, bound from {@code ledger.*}: the topics, the oldest event
 * a relay may send, the reporting zone and the Redis of the limits. Every app binds this one record, so two processes
 * configured alike agree on them; settings that differ per app on purpose (Redis timeouts and pool sizes, Kafka client
 * tuning) stay in the app's own records under the same prefix.
 *
 * <p>Any component may be {@code null}: the compact constructors fill in the documented default, so a binder needs no
 * default-value annotations and a caller without a framework starts from {@link #defaults()}. Every check throws an
 * {@link InvalidSettingException} naming the full property.
 *
 * @param kafka     {@code ledger.kafka.*}
 * @param ingest    {@code ledger.ingest.*}
 * @param reporting {@code ledger.reporting.*}
 * @param redis     {@code ledger.redis.*}
 * @param retention {@code ledger.retention.*}
 */
public record LedgerSettings(Kafka kafka, Ingest ingest, Reporting reporting, Redis redis, Retention retention) {

    /** The property prefix this record binds from. */
    public static final String PREFIX = "ledger";

    public LedgerSettings {
        kafka = kafka == null ? new Kafka(null, null, null, null, null) : kafka;
        ingest = ingest == null ? new Ingest(null) : ingest;
        reporting = reporting == null ? new Reporting(null) : reporting;
        redis = redis == null ? new Redis(null) : redis;
        retention = retention == null ? new Retention(null, null, null, null) : retention;
    }

    /** Every setting at its default. */
    public static LedgerSettings defaults() {
        return new LedgerSettings(null, null, null, null, null);
    }

    /**
     * The topics (CONTRACT §0). Each name is 1 to 249 of {@code [A-Za-z0-9._-]}, and the three differ.
     *
     * @param topic             the events topic; default {@code usage-events}
     * @param deadLetterTopic   where usage-consumer sends undecodable or invalid messages, with the reason in headers;
     *                          default (also when blank) {@code <topic>.DLT}
     * @param limitsTopic       relay-api's {@code limits.changed} topic, read by every instance without a group to drop
     *                          a changed key's cached limits; default {@code limits-changes}
     * @param partitions        partitions of the events and dead-letter topics when an app creates them (the limits
     *                          topic always has one); 1 to 10000, default 6
     * @param replicationFactor replication factor of every topic an app creates; at least 1, default 1
     */
    public record Kafka(String topic, String deadLetterTopic, String limitsTopic, Integer partitions,
            Short replicationFactor) {

        private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

        public Kafka {
            topic = topic == null ? "usage-events" : topic;
            requireTopicName(topic, "ledger.kafka.topic");
            deadLetterTopic = deadLetterTopic == null || deadLetterTopic.isBlank() ? topic + ".DLT" : deadLetterTopic;
            requireTopicName(deadLetterTopic, "ledger.kafka.dead-letter-topic");
            Settings.require(!deadLetterTopic.equals(topic), "ledger.kafka.dead-letter-topic",
                    "must differ from ledger.kafka.topic");
            limitsTopic = limitsTopic == null ? "limits-changes" : limitsTopic;
            requireTopicName(limitsTopic, "ledger.kafka.limits-topic");
            Settings.require(!limitsTopic.equals(topic) && !limitsTopic.equals(deadLetterTopic),
                    "ledger.kafka.limits-topic", "must differ from ledger.kafka.topic and ledger.kafka.dead-letter-topic");
            partitions = partitions == null ? 6 : partitions;
            Settings.require(partitions >= 1 && partitions <= 10_000, "ledger.kafka.partitions",
                    "must be between 1 and 10000, was " + partitions);
            replicationFactor = replicationFactor == null ? 1 : replicationFactor;
            Settings.require(replicationFactor >= 1, "ledger.kafka.replication-factor",
                    "must be at least 1, was " + replicationFactor);
        }

        private static void requireTopicName(String name, String property) {
            Settings.require(TOPIC.matcher(name).matches(), property,
                    "must be 1 to 249 characters of [A-Za-z0-9._-], was '" + name + "'");
        }
    }

    /**
     * @param maxEventAge the oldest {@code occurredAt} relay-api accepts, so the oldest event a relay may resend; every
     *                    deduplication that must catch a resend remembers at least this long. Positive, default 30 days
     */
    public record Ingest(Duration maxEventAge) {
        public Ingest {
            maxEventAge = maxEventAge == null ? Duration.ofDays(30) : maxEventAge;
            Settings.requirePositive(maxEventAge, "ledger.ingest.max-event-age");
        }
    }

    /**
     * @param zone the IANA time zone of the day and month buckets (CONTRACT §3; hour buckets are UTC hours) and the
     *             default zone of every read; default {@code UTC}
     */
    public record Reporting(String zone) {
        public Reporting {
            zone = zone == null ? "UTC" : zone;
            parse(zone);
        }

        /** {@link #zone()} as a {@link ZoneId}. */
        public ZoneId zoneId() {
            return parse(zone);
        }

        private static ZoneId parse(String zone) {
            try {
                return ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new InvalidSettingException("ledger.reporting.zone", "must be an IANA time zone id, was '"
                        + zone + "'");
            }
        }
    }

    /**
     * The Redis of the limits: relay-api's admission counters and usage-consumer's usage-fed counters.
     *
     * @param uri {@code redis://[user:password@]host:port[/db]} or {@code rediss://…} for TLS; default
     *            {@code redis://127.0.0.1:6379}. {@link #toString()} leaves out the credentials
     */
    public record Redis(URI uri) {
        public Redis {
            uri = uri == null ? URI.create("redis://127.0.0.1:6379") : uri;
            Settings.require(("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                            && uri.getHost() != null, "ledger.redis.uri",
                    "must be redis://host:port or rediss://host:port, was '" + withoutCredentials(uri) + "'");
        }

        private static String withoutCredentials(URI uri) {
            String userInfo = uri.getRawUserInfo();
            return userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "***@");
        }

        @Override
        public String toString() {
            return "Redis[uri=" + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort() + "]";
        }
    }

    /**
     * What {@code ledger retention} keeps (docs/operations.md, "Retention"). Each age is counted back from the run's
     * instant; every one must cover what a live projection may still touch ({@link #requireCovers}).
     *
     * @param ledger      the ledger ({@code usage_records}, {@code cost_adjustments}): a UTC month partition is dropped
     *                    whole once its end is this old. Positive, default 400 days
     * @param hourly      hour rows of the stats tables and rollups: removed once their bucket started this long ago
     *                    (day and month rows are kept). Positive, default 90 days
     * @param claims      id claims ({@code ledger_event_ids}): removed once their {@code occurred_at} is this old; a
     *                    resend is recognised while its claim is kept (CONTRACT §1). Positive, default 31 days
     * @param monthsAhead month partitions created ahead of the current UTC month, so that live inserts never land in
     *                    the catch-all partition between two runs. 1 to 120, default 3
     */
    public record Retention(Duration ledger, Duration hourly, Duration claims, Integer monthsAhead) {
        public Retention {
            ledger = ledger == null ? Duration.ofDays(400) : ledger;
            Settings.requirePositive(ledger, "ledger.retention.ledger");
            hourly = hourly == null ? Duration.ofDays(90) : hourly;
            Settings.requirePositive(hourly, "ledger.retention.hourly");
            claims = claims == null ? Duration.ofDays(31) : claims;
            Settings.requirePositive(claims, "ledger.retention.claims");
            monthsAhead = monthsAhead == null ? 3 : monthsAhead;
            Settings.require(monthsAhead >= 1 && monthsAhead <= 120, "ledger.retention.months-ahead",
                    "must be between 1 and 120, was " + monthsAhead);
        }

        /**
         * Fails unless retention never removes what the projection may still touch: a version swap replaces a ledger
         * row and folds its old measures out of its hour, day and month cells, so the ledger and the hour rows are kept
         * at least {@code swapHorizon} ({@code ledger.projection.swap-horizon}); a resend is recognised by its claim,
         * so claims are kept at least {@code maxEventAge} ({@code ledger.ingest.max-event-age}).
         */
        public void requireCovers(Duration swapHorizon, Duration maxEventAge) {
            Settings.require(ledger.compareTo(swapHorizon) >= 0, "ledger.retention.ledger",
                    "(" + ledger + ") must be at least ledger.projection.swap-horizon (" + swapHorizon
                            + "): a version swap replaces a counted ledger row that young");
            Settings.require(hourly.compareTo(swapHorizon) >= 0, "ledger.retention.hourly",
                    "(" + hourly + ") must be at least ledger.projection.swap-horizon (" + swapHorizon
                            + "): a version swap folds the replaced version out of its hour cells");
            Settings.require(claims.compareTo(maxEventAge) >= 0, "ledger.retention.claims",
                    "(" + claims + ") must be at least ledger.ingest.max-event-age (" + maxEventAge
                            + "): a relay may resend an event that old, and only its claim recognises it");
        }
    }
}
