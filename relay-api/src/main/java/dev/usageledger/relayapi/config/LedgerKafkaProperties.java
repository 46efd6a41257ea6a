package dev.usageledger.relayapi.config;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how events are published. Broker addresses and client security come from Spring Boot's
 * {@code spring.kafka.*}; these are the ledger's own settings.
 *
 * @param topic                 the events topic (CONTRACT §0)
 * @param deadLetterTopic       the consumer's dead-letter topic, created here with the same partition count;
 *                              defaults to {@code <topic>.DLT}
 * @param partitions            partitions of both topics when this service creates them
 * @param replicationFactor     replication factor of both topics when this service creates them
 * @param transactionIdPrefix   prefix of the producers' {@code transactional.id}s; must differ between instances
 *                              (two instances with one prefix fence each other). Defaults to
 *                              {@code relay-api-<random>-}, new at every start
 * @param healthTimeout         how long the readiness check waits for the cluster to answer
 * @param healthCacheTtl        how long a readiness answer is reused
 * @param limitsTopic           the {@code limits.changed} topic: every instance reads it to drop its cached limits of a
 *                              key changed through another instance. Created with one partition (changes are rare,
 *                              one partition keeps them in order and lets each instance read it by manual assignment)
 */
@ConfigurationProperties("ledger.kafka")
public record LedgerKafkaProperties(
        @DefaultValue("usage-events") String topic,
        String deadLetterTopic,
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        String transactionIdPrefix,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue("5s") Duration healthCacheTtl,
        @DefaultValue("limits-changes") String limitsTopic) {

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern TRANSACTION_ID_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public LedgerKafkaProperties {
        Settings.require(topic != null && TOPIC.matcher(topic).matches(), "ledger.kafka.topic",
                "must be 1 to 249 characters of [A-Za-z0-9._-], was '" + topic + "'");
        if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
            deadLetterTopic = topic + ".DLT";
        }
        Settings.require(TOPIC.matcher(deadLetterTopic).matches(), "ledger.kafka.dead-letter-topic",
                "must be 1 to 249 characters of [A-Za-z0-9._-], was '" + deadLetterTopic + "'");
        Settings.require(!deadLetterTopic.equals(topic), "ledger.kafka.dead-letter-topic",
                "must differ from ledger.kafka.topic");
        Settings.require(partitions >= 1 && partitions <= 10_000, "ledger.kafka.partitions",
                "must be between 1 and 10000, was " + partitions);
        Settings.require(replicationFactor >= 1, "ledger.kafka.replication-factor",
                "must be at least 1, was " + replicationFactor);
        Settings.require(limitsTopic != null && TOPIC.matcher(limitsTopic).matches(), "ledger.kafka.limits-topic",
                "must be 1 to 249 characters of [A-Za-z0-9._-], was '" + limitsTopic + "'");
        Settings.require(!limitsTopic.equals(topic) && !limitsTopic.equals(deadLetterTopic), "ledger.kafka.limits-topic",
                "must differ from ledger.kafka.topic and ledger.kafka.dead-letter-topic");
        if (transactionIdPrefix == null || transactionIdPrefix.isBlank()) {
            transactionIdPrefix = "relay-api-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        }
        Settings.require(TRANSACTION_ID_PREFIX.matcher(transactionIdPrefix).matches(),
                "ledger.kafka.transaction-id-prefix", "must be 1 to 200 characters of [A-Za-z0-9._-]");
        Settings.requirePositive(healthTimeout, "ledger.kafka.health-timeout");
        Settings.require(healthCacheTtl != null && !healthCacheTtl.isNegative(), "ledger.kafka.health-cache-ttl",
                "must be zero or positive, was " + healthCacheTtl);
    }
}
