package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LimitsChangedCodecTest {

    private final LimitsChangedCodec codec = new LimitsChangedCodec();

    @Test
    void writesTheTypeTheSchemaVersionTheKeyAndTheInstantInMilliseconds() {
        byte[] json = codec.encode(new LimitsChanged("key_7f3a", Instant.parse("2026-11-22T10:15:30.123456Z")));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"limits.changed\","
                + "\"schemaVersion\":1,\"apiKeyId\":\"key_7f3a\",\"updatedAt\":\"2026-11-22T10:15:30.123Z\"}");
    }

    @Test
    void readsBackWhatItWrote() {
        LimitsChanged event = new LimitsChanged("k.1:a-b", Instant.parse("2026-11-22T10:15:30.120Z"));

        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void readsANewerSchemaVersionWithFieldsItDoesNotKnow() {
        LimitsChanged read = codec.decode(("{\"type\":\"limits.changed\",\"schemaVersion\":2,\"apiKeyId\":\"k\","
                + "\"updatedAt\":\"2026-11-22T10:15:30Z\",\"by\":\"ops\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(read).isEqualTo(new LimitsChanged("k", Instant.parse("2026-11-22T10:15:30Z"), 2));
    }

    @Test
    void rejectsAnotherTypeAMissingKeyOrABrokenInstantNamingTheField() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"usage.recorded\",\"schemaVersion\":1}".getBytes(
                StandardCharsets.UTF_8))).hasMessageStartingWith("type:");
        assertThatThrownBy(() -> codec.decode(("{\"type\":\"limits.changed\",\"schemaVersion\":1,"
                + "\"updatedAt\":\"2026-11-22T10:15:30Z\"}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("apiKeyId:");
        assertThatThrownBy(() -> codec.decode(("{\"type\":\"limits.changed\",\"schemaVersion\":1,\"apiKeyId\":\"k\","
                + "\"updatedAt\":\"yesterday\"}").getBytes(StandardCharsets.UTF_8))).hasMessageStartingWith("updatedAt:");
        assertThatThrownBy(() -> codec.decode(("{\"type\":\"limits.changed\",\"apiKeyId\":\"k\","
                + "\"updatedAt\":\"2026-11-22T10:15:30Z\"}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("schemaVersion:");
        assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not JSON");
    }
}
