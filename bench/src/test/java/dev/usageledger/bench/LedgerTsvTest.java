package dev.usageledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.UsageRecorded;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LedgerTsvTest {

    @Test
    void writesLoadDataTextWithEscapesNullsAndMilliseconds() {
        StringBuilder tsv = new StringBuilder();
        LedgerTsv.append(tsv, new Object[] {"a\tb\\c\nd\re\0f", null, LocalDateTime.of(2025, 3, 4, 5, 6, 7, 89_000_000),
                true, false, new BigDecimal("1E-7"), 42L});
        assertThat(tsv.toString()).isEqualTo(
                "a\\tb\\\\c\\nd\\re\\0f\t\\N\t2025-03-04 05:06:07.089\t1\t0\t0.0000001\t42\n");
    }

    @Test
    void takesTheValuesTheRawWriterBindsInColumnOrder() throws Exception {
        Instant now = Instant.parse("2025-06-01T12:00:00.123Z");
        UsageRecorded u = new BenchEvents(Profile.LIVE, 1, 10, 6, 2, 66, 3, now).cursor().next(1).get(0);

        Object[] values = new LedgerTsv().values(u);

        assertThat(values).hasSize(30);
        assertThat(values[0]).isEqualTo(u.requestId());
        assertThat(values[1]).isEqualTo(LocalDateTime.ofInstant(u.occurredAt(), ZoneOffset.UTC));
        assertThat(values[2]).isEqualTo(u.apiKeyId());
        assertThat(values[7]).isEqualTo(u.usage().input());
        assertThat(values[13]).isEqualTo(u.cost().realUsd());
        assertThat(values[18]).isEqualTo(u.longContext());
        StringBuilder tsv = new StringBuilder();
        LedgerTsv.append(tsv, values);
        assertThat(tsv.toString()).endsWith("\n").contains(u.requestId() + "\t" + LocalDateTime.ofInstant(
                u.occurredAt(), ZoneOffset.UTC).toString().replace('T', ' '));
        assertThat(tsv.toString().split("\t", -1)).hasSize(30);
    }
}
