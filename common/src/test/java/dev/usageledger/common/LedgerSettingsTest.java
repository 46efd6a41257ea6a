package dev.usageledger.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class LedgerSettingsTest {

    @Test
    void fillsInEveryDefault() {
        LedgerSettings settings = LedgerSettings.defaults();

        assertThat(settings.kafka().topic()).isEqualTo("usage-events");
        assertThat(settings.kafka().deadLetterTopic()).isEqualTo("usage-events.DLT");
        assertThat(settings.kafka().limitsTopic()).isEqualTo("limits-changes");
        assertThat(settings.kafka().partitions()).isEqualTo(6);
        assertThat(settings.kafka().replicationFactor()).isEqualTo((short) 1);
        assertThat(settings.ingest().maxEventAge()).isEqualTo(Duration.ofDays(30));
        assertThat(settings.reporting().zoneId()).isEqualTo(ZoneId.of("UTC"));
        assertThat(settings.redis().uri()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
    }

    @Test
    void derivesTheDeadLetterTopicFromTheTopicWhenAbsentOrBlank() {
        assertThat(kafka("orders", null, null).deadLetterTopic()).isEqualTo("orders.DLT");
        assertThat(kafka("orders", " ", null).deadLetterTopic()).isEqualTo("orders.DLT");
        assertThat(kafka("orders", "orders-poison", null).deadLetterTopic()).isEqualTo("orders-poison");
    }

    @Test
    void keepsGivenValues() {
        LedgerSettings settings = new LedgerSettings(new LedgerSettings.Kafka("a", "b", "c", 12, (short) 3),
                new LedgerSettings.Ingest(Duration.ofDays(7)), new LedgerSettings.Reporting("Asia/Shanghai"),
                new LedgerSettings.Redis(URI.create("rediss://cache.internal:6380/2")),
                new LedgerSettings.Retention(Duration.ofDays(60), Duration.ofDays(14), Duration.ofDays(45), 6));

        assertThat(settings.kafka()).isEqualTo(new LedgerSettings.Kafka("a", "b", "c", 12, (short) 3));
        assertThat(settings.ingest().maxEventAge()).hasDays(7);
        assertThat(settings.reporting().zoneId()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(settings.redis().uri().getPort()).isEqualTo(6380);
        assertThat(settings.retention())
                .isEqualTo(new LedgerSettings.Retention(Duration.ofDays(60), Duration.ofDays(14), Duration.ofDays(45), 6));
    }

    @Test
    void defaultsRetentionToAYearOfLedgerAQuarterOfHoursAndClaimsPastTheMaxEventAge() {
        LedgerSettings.Retention retention = LedgerSettings.defaults().retention();

        assertThat(retention).isEqualTo(
                new LedgerSettings.Retention(Duration.ofDays(400), Duration.ofDays(90), Duration.ofDays(31), 3));
        retention.requireCovers(Duration.ofDays(7), LedgerSettings.defaults().ingest().maxEventAge());
    }

    @Test
    void refusesARetentionShorterThanWhatTheProjectionMayStillTouch() {
        Duration swapHorizon = Duration.ofDays(7);
        Duration maxEventAge = Duration.ofDays(30);
        assertNames("ledger.retention.ledger", () -> new LedgerSettings.Retention(Duration.ofDays(6), null, null, null)
                .requireCovers(swapHorizon, maxEventAge));
        assertNames("ledger.retention.hourly", () -> new LedgerSettings.Retention(null, Duration.ofHours(12), null, null)
                .requireCovers(swapHorizon, maxEventAge));
        assertNames("ledger.retention.claims", () -> new LedgerSettings.Retention(null, null, Duration.ofDays(29), null)
                .requireCovers(swapHorizon, maxEventAge));
        new LedgerSettings.Retention(Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(30), 1)
                .requireCovers(swapHorizon, maxEventAge);
    }

    @Test
    void eachFailedCheckNamesItsProperty() {
        assertNames("ledger.kafka.topic", () -> kafka("bad topic", null, null));
        assertNames("ledger.kafka.topic", () -> kafka("", null, null));
        assertNames("ledger.kafka.topic", () -> kafka("x".repeat(250), null, null));
        assertNames("ledger.kafka.dead-letter-topic", () -> kafka("events", "events", null));
        assertNames("ledger.kafka.dead-letter-topic", () -> kafka("events", "dead/letters", null));
        assertNames("ledger.kafka.limits-topic", () -> kafka("events", null, "events.DLT"));
        assertNames("ledger.kafka.limits-topic", () -> kafka("events", null, "events"));
        assertNames("ledger.kafka.limits-topic", () -> kafka("events", null, ""));
        assertNames("ledger.kafka.partitions", () -> new LedgerSettings.Kafka(null, null, null, 0, null));
        assertNames("ledger.kafka.partitions", () -> new LedgerSettings.Kafka(null, null, null, 10_001, null));
        assertNames("ledger.kafka.replication-factor", () -> new LedgerSettings.Kafka(null, null, null, null, (short) 0));
        assertNames("ledger.ingest.max-event-age", () -> new LedgerSettings.Ingest(Duration.ZERO));
        assertNames("ledger.ingest.max-event-age", () -> new LedgerSettings.Ingest(Duration.ofDays(-1)));
        assertNames("ledger.reporting.zone", () -> new LedgerSettings.Reporting("Mars/Base"));
        assertNames("ledger.reporting.zone", () -> new LedgerSettings.Reporting(""));
        assertNames("ledger.redis.uri", () -> new LedgerSettings.Redis(URI.create("http://127.0.0.1:6379")));
        assertNames("ledger.redis.uri", () -> new LedgerSettings.Redis(URI.create("redis:opaque")));
        assertNames("ledger.retention.ledger", () -> new LedgerSettings.Retention(Duration.ZERO, null, null, null));
        assertNames("ledger.retention.hourly", () -> new LedgerSettings.Retention(null, Duration.ofDays(-1), null, null));
        assertNames("ledger.retention.claims", () -> new LedgerSettings.Retention(null, null, Duration.ZERO, null));
        assertNames("ledger.retention.months-ahead", () -> new LedgerSettings.Retention(null, null, null, 0));
    }

    @Test
    void neverShowsRedisCredentials() {
        String secret = "s3cret-password";
        LedgerSettings.Redis redis = new LedgerSettings.Redis(URI.create("redis://ledger:" + secret + "@host:6379"));

        assertThat(redis.toString()).doesNotContain(secret).contains("host");
        assertThat(new LedgerSettings(null, null, null, redis, null).toString()).doesNotContain(secret);
        assertThatThrownBy(() -> new LedgerSettings.Redis(URI.create("http://ledger:" + secret + "@host:6379")))
                .hasMessageNotContaining(secret);
    }

    private static LedgerSettings.Kafka kafka(String topic, String deadLetterTopic, String limitsTopic) {
        return new LedgerSettings.Kafka(topic, deadLetterTopic, limitsTopic, null, null);
    }

    private static void assertNames(String property, ThrowingCallable construction) {
        assertThatThrownBy(construction)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(property + " ")
                .satisfies(e -> assertThat(((InvalidSettingException) e).property()).isEqualTo(property));
    }
}
