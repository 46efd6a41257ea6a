package dev.usageledger.relayapi.config;

import dev.usageledger.common.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits and timing of {@code POST /v1/usage-events} and {@code POST /v1/cost-adjustments}. How far in the past
 * {@code occurredAt} may be is a shared setting: {@link dev.usageledger.common.LedgerSettings.Ingest}.
 *
 * @param maxBodyBytes        largest request body, counted while it is read (413 above it)
 * @param maxEvents           most events in one ingest request (413 above it)
 * @param publishTimeout      how long a request waits for Kafka to commit its events (503 after it)
 * @param publishConcurrency  how many Kafka transactions run at once; each holds one producer. Requests that arrive
 *                            while all are busy share the next transaction (group commit), so a small number keeps
 *                            transactions large under load and adds no wait when idle
 * @param publishGroupMaxEvents most events in one shared transaction (a single request larger than this still goes
 *                            alone); bounds the producer memory one transaction holds
 */
@ConfigurationProperties("ledger.ingest")
public record IngestProperties(
        @DefaultValue("1048576") long maxBodyBytes,
        @DefaultValue("1000") int maxEvents,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("1") int publishConcurrency,
        @DefaultValue("5000") int publishGroupMaxEvents) {

    /** How far in the future {@code occurredAt} may be: fixed by CONTRACT §1. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    public IngestProperties {
        Settings.require(maxBodyBytes >= 1024 && maxBodyBytes <= 64L * 1024 * 1024,
                "ledger.ingest.max-body-bytes", "must be between 1024 and 67108864, was " + maxBodyBytes);
        Settings.require(maxEvents >= 1 && maxEvents <= 100_000,
                "ledger.ingest.max-events", "must be between 1 and 100000, was " + maxEvents);
        Settings.requirePositive(publishTimeout, "ledger.ingest.publish-timeout");
        Settings.require(publishTimeout.compareTo(Duration.ofMillis(500)) >= 0
                        && publishTimeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "ledger.ingest.publish-timeout", "must be between 500ms and 5m, was " + publishTimeout);
        Settings.require(publishConcurrency >= 1 && publishConcurrency <= 256,
                "ledger.ingest.publish-concurrency", "must be between 1 and 256, was " + publishConcurrency);
        Settings.require(publishGroupMaxEvents >= 1 && publishGroupMaxEvents <= 100_000,
                "ledger.ingest.publish-group-max-events", "must be between 1 and 100000, was "
                        + publishGroupMaxEvents);
    }
}
