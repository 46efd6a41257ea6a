package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The shortcut for {@link EventWriter#iso}'s form agrees with the general path, or leaves the string to it. */
class JsonFieldsTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T10:15:30.123Z", "2026-11-22T10:15:30Z", "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.001Z"})
    void readsTheCodecsOwnFormAsTheGeneralPathDoes(String s) {
        assertThat(JsonScalars.utcInstant(s)).isEqualTo(OffsetDateTime.parse(s).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T10:15:30.123Z", "2026-11-31T10:15:30.123Z", "2026-13-01T10:15:30.123Z",
            "2026-00-01T10:15:30.123Z", "2026-11-22T24:00:00.000Z", "2026-11-22T10:60:30.123Z",
            "2026-11-22T10:15:60.123Z", "2026-11-22t10:15:30.123Z", "2026-11-22T10:15:30.123z",
            "2026-11-22T10:15:30.12Z", "2026-11-22T10:15:30.1234Z", "2026-11-22T10:15:30.123+00:00",
            "2026-11-22 10:15:30.123Z", "2026-11-22T10:15:3a.123Z", "+026-11-22T10:15:30.123Z",
            "2026-11-22T10:15:30,123Z", "2026-11-22T10:15:30.-12Z", "2026/11/22T10:15:30Z", ""})
    void leavesEveryOtherFormAndEveryInvalidDateToTheGeneralPath(String s) {
        assertThat(JsonScalars.utcInstant(s)).isNull();
    }

    @Test
    void agreesWithTheGeneralPathOnRandomStringsOfTheShape() {
        Random random = new Random(7);
        String shape = "dddd-dd-ddTdd:dd:dd.dddZ";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder s = new StringBuilder();
            for (char c : shape.toCharArray()) {
                s.append(c == 'd' ? (char) ('0' + random.nextInt(10)) : c);
            }
            if (random.nextInt(4) == 0) {
                s.setCharAt(random.nextInt(s.length()), "0123456789-:.TZtz +".charAt(random.nextInt(19)));
            }
            String text = s.toString();
            Instant general;
            try {
                general = JsonFields.RFC3339_MILLIS.matcher(text).matches()
                        ? OffsetDateTime.parse(text.toUpperCase()).toInstant() : null;
            } catch (DateTimeParseException e) {
                general = null;
            }
            Instant shortcut = JsonScalars.utcInstant(text);
            if (shortcut != null) {
                assertThat(shortcut).as(text).isEqualTo(general);
            } else if (general != null) {
                assertThat(text).as("accepted by the general path only").matches(".*[tz+].*|.{20,23}");
            }
        }
    }
}
