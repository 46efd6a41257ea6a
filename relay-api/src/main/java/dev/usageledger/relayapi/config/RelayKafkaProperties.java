package dev.usageledger.relayapi.config;

import dev.usageledger.common.Settings;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * relay-api's own Kafka client settings. Broker addresses and client security come from Spring Boot's
 * {@code spring.kafka.*}; the topics, their partitions and replication are shared settings,
 * {@link dev.usageledger.common.LedgerSettings.Kafka}.
 *
 * @param transactionIdPrefix   prefix of the producers' {@code transactional.id}s; must differ between instances
 *                              (two instances with one prefix fence each other). Defaults to
 *                              {@code relay-api-<random>-}, new at every start
 * @param healthTimeout         how long the readiness check waits for the cluster to answer
 * @param healthCacheTtl        how long a readiness answer is reused
 */
@ConfigurationProperties("ledger.kafka")
public record RelayKafkaProperties(
        String transactionIdPrefix,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue("5s") Duration healthCacheTtl) {

    private static final Pattern TRANSACTION_ID_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public RelayKafkaProperties {
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
