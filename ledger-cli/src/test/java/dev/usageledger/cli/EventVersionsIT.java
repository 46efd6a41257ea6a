package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events of schema version 1, as older relay-api instances wrote them and as they may still sit in Kafka, and of
 * version 2 on one topic: usage-consumer projects both. A version 1 adjustment names no request, even when its
 * message carries a {@code requestId} field; a version 2 one stores the request it names.
 */
class EventVersionsIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static LiveConsumer consumer;

    @BeforeAll
    static void start() {
        consumer = new LiveConsumer("cli-event-versions", "UTC");
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void projectsVersion1AndVersion2EventsAlike() throws Exception {
        UsageRecorded usage1 = Events.usage("ev_usage_v1").at(NOW.minusSeconds(90)).key("key_v").tokens(1200, 30)
                .cost("0.01", "0.012").build();
        UsageRecorded usage2 = Events.usage("ev_usage_v2").at(NOW.minusSeconds(60)).key("key_v").tokens(800, 20)
                .cost("0.02", "0.025").build();
        CostAdjusted adjustment1 = Events.adjustment("ev_adj_v1").at(NOW.minusSeconds(50)).key("key_v")
                .amounts("-0.004", "-0.005").build();
        CostAdjusted adjustment2 = Events.adjustment("ev_adj_v2").at(NOW.minusSeconds(40)).key("key_v")
                .amounts("-0.001", "-0.002").correcting("ev_usage_v2").build();
        assertThat(usage2.schemaVersion()).isEqualTo(2);
        publishAsVersion1(usage1, "");
        publishAsVersion1(adjustment1, ",\"requestId\":\"ev_usage_v1\"");
        consumer.publish(List.of(usage2, adjustment2));
        consumer.awaitProjected();

        try (Connection c = consumer.connect()) {
            assertThat(LiveConsumer.single(c, "SELECT COUNT(*) FROM usage_records")).isEqualTo(2);
            assertThat(LiveConsumer.single(c, "SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = 'hour'"))
                    .isEqualTo(2000);
            assertThat(text(c, "SELECT SUM(real_cost_usd), SUM(rated_cost_usd) FROM cost_stats "
                    + "WHERE granularity = 'month'")).isEqualTo("0.0250000000\t0.0300000000");
            assertThat(text(c, "SELECT adjustment_id, COALESCE(request_id, '-') FROM cost_adjustments "
                    + "ORDER BY adjustment_id")).isEqualTo("ev_adj_v1\t-\nev_adj_v2\tev_usage_v2");
        }
        consumer.assertInvariantsHold();
    }

    /** The event's JSON as version 2 writes it, relabelled version 1, plus {@code extra} fields. */
    private static void publishAsVersion1(LedgerEvent event, String extra) {
        String json = new String(consumer.codec().encode(event), StandardCharsets.UTF_8);
        assertThat(json).contains("\"schemaVersion\":2");
        json = json.replace("\"schemaVersion\":2", "\"schemaVersion\":1");
        json = json.substring(0, json.length() - 1) + extra + "}";
        consumer.publishRaw(new ProducerRecord<>(consumer.topic, event.apiKeyId(),
                json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Connection c, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(rs.getString(1)).append('\t').append(rs.getString(2));
            }
        }
        return out.toString();
    }
}
