package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.Events;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Version 1 events read as version 2 ({@link EventUpcaster}), by both decoders: a version 1 {@code cost.adjusted}
 * names no request, whatever it carries; version 2 reads its {@code requestId} by the id rule; a version above the
 * current one is refused.
 */
class EventUpcasterTest {

    private static final String V1_ADJUSTMENT = "{\"type\":\"cost.adjusted\",\"schemaVersion\":1,"
            + "\"adjustmentId\":\"adj_1\",\"occurredAt\":\"2026-11-22T10:15:30.123Z\",\"apiKeyId\":\"key_1\","
            + "\"model\":\"m\",\"realUsd\":\"-1.25\",\"ratedUsd\":\"-1.5\",\"receivedAt\":\"2026-11-22T10:15:31Z\"";

    private final EventCodec codec = new EventCodec();

    @Test
    void aVersion1AdjustmentCorrectsNoRequest() {
        CostAdjusted read = (CostAdjusted) decodeBoth(V1_ADJUSTMENT + "}");

        assertThat(read.schemaVersion()).isEqualTo(1);
        assertThat(read.requestId()).isNull();
        assertThat(read.adjustmentId()).isEqualTo("adj_1");
        assertThat(read.realUsd()).isEqualByComparingTo("-1.25");
    }

    @Test
    void aRequestIdInAVersion1MessageIsIgnoredAsAnUnknownFieldNotGuessed() {
        CostAdjusted read = (CostAdjusted) decodeBoth(V1_ADJUSTMENT + ",\"requestId\":\"req 1 not even an id\"}");

        assertThat(read.requestId()).isNull();
    }

    @Test
    void aVersion2AdjustmentCarriesItsRequestIdOrNone() {
        String v2 = V1_ADJUSTMENT.replace("\"schemaVersion\":1", "\"schemaVersion\":2");

        assertThat(((CostAdjusted) decodeBoth(v2 + ",\"requestId\":\"req_9\"}")).requestId()).isEqualTo("req_9");
        assertThat(((CostAdjusted) decodeBoth(v2 + "}")).requestId()).isNull();
        byte[] bad = (v2 + ",\"requestId\":\"req 9\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(bad)).isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("requestId:");
        assertThatThrownBy(() -> codec.decodeTree(bad)).hasMessageStartingWith("requestId:");
    }

    @Test
    void aVersion1UsageEventReadsAsTheSameEventAtItsOwnVersion() {
        UsageRecorded v2 = Events.usage("req_1").withAllOptionals().build();
        String v1 = new String(codec.encode(v2), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":2", "\"schemaVersion\":1");

        UsageRecorded read = (UsageRecorded) decodeBoth(v1);

        assertThat(read.schemaVersion()).isEqualTo(1);
        assertThat(read).usingRecursiveComparison().ignoringFields("schemaVersion").isEqualTo(v2);
    }

    @Test
    void writersWriteTheCurrentVersionWithTheRequestId() {
        CostAdjusted event = Events.adjustment("adj_2").correcting("req_2").build();

        assertThat(LedgerEvent.CURRENT_SCHEMA_VERSION).isEqualTo(2);
        assertThat(codec.toJson(event).get("schemaVersion").intValue()).isEqualTo(2);
        assertThat(codec.toJson(event).get("requestId").asString()).isEqualTo("req_2");
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        assertThat(codec.toJson(Events.adjustment("adj_3").build()).has("requestId")).isFalse();
    }

    @Test
    void refusesAVersionNewerThanItKnows() {
        String v3 = V1_ADJUSTMENT.replace("\"schemaVersion\":1", "\"schemaVersion\":3") + "}";

        assertThatThrownBy(() -> codec.decode(v3.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessage("schemaVersion 3 of cost.adjusted is newer than this reader knows (2)");
    }

    /** Decodes with the streaming decoder, checking the tree decoder gives the same event. */
    private LedgerEvent decodeBoth(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        LedgerEvent streamed = codec.decode(bytes);
        assertThat(codec.decodeTree(bytes)).isEqualTo(streamed);
        return streamed;
    }
}
