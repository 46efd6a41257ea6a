package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The file format {@code LOAD DATA}'s defaults read: tab-separated, backslash escapes, {@code \N} for NULL. */
class TsvRowsTest {

    @Test
    void escapesEverythingThatWouldEndAFieldOrALine() {
        assertThat(TsvRows.text(new StringBuilder(), "a\tb\nc\\d\re\0f").toString())
                .isEqualTo("a\\tb\\nc\\\\d\\re\\0f");
        assertThat(TsvRows.text(new StringBuilder(), "\\N").toString()).isEqualTo("\\\\N");
        assertThat(TsvRows.text(new StringBuilder(), null).toString()).isEqualTo("\\N");
        assertThat(TsvRows.text(new StringBuilder(), "plain:id-1.2_3 \u00e9\ud83d\ude00").toString())
                .isEqualTo("plain:id-1.2_3 \u00e9\ud83d\ude00");
        assertThat(TsvRows.text(new StringBuilder("x"), "").toString()).isEqualTo("x");
        assertThat(TsvRows.text(new StringBuilder(), "tail\\").toString()).isEqualTo("tail\\\\");
    }

    @Test
    void writesUtcDateTimesWithMillisecondsAsTheFormatterWould() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        for (String at : new String[] {"2026-11-22T10:15:30.123Z", "2026-01-02T03:04:05Z", "1999-12-31T23:59:59.009Z",
                "0999-01-01T00:00:00.100Z", "2026-02-28T00:00:00.050Z"}) {
            Instant instant = Instant.parse(at);
            assertThat(TsvRows.datetime(new StringBuilder(), instant).toString()).isEqualTo(f.format(instant));
        }
        assertThat(TsvRows.datetime(new StringBuilder(), null).toString()).isEqualTo("\\N");
    }

    @Test
    void aLedgerRowIsOneLineOfThirtyFieldsInTheInsertsOrder() {
        StringBuilder tsv = new StringBuilder();
        TsvRows.appendUsageRecord(tsv, Events.usage("req_1").at("2026-11-22T10:15:30.123Z").tokens(7, 3)
                .cost("0.5", "0.75").build());
        String line = tsv.toString();
        assertThat(line).endsWith("\n").containsOnlyOnce("\n");
        String[] fields = line.substring(0, line.length() - 1).split("\t", -1);
        assertThat(fields).hasSize(30);
        assertThat(fields[0]).isEqualTo("req_1");
        assertThat(fields[1]).isEqualTo("2026-11-22 10:15:30.123");
        assertThat(fields[7]).isEqualTo("7");
        assertThat(fields[8]).isEqualTo("3");
        assertThat(fields[25]).isEqualTo("\\N");
    }
}
