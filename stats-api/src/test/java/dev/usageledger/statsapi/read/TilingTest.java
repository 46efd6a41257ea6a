package dev.usageledger.statsapi.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.statsapi.read.Tiling.Piece;
import dev.usageledger.statsapi.read.Tiling.Source;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TilingTest {

    private final Tiling utc = new Tiling(ZoneOffset.UTC);

    @Test
    void aBerlinDayAcrossSpringForwardIsTwentyThreeUtcHours() {
        List<Piece> pieces = utc.tile(Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z"));

        assertThat(pieces).hasSize(23).allMatch(p -> p.source() == Source.HOUR);
        assertContiguous(pieces, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
    }

    @Test
    void aKolkataDayIsHoursWithHalfHoursOfLedgerAtBothEdges() {
        List<Piece> pieces = utc.tile(Instant.parse("2026-03-28T18:30:00Z"), Instant.parse("2026-03-29T18:30:00Z"));

        assertThat(pieces.get(0)).isEqualTo(new Piece(Source.LEDGER, Instant.parse("2026-03-28T18:30:00Z"),
                Instant.parse("2026-03-28T19:00:00Z")));
        assertThat(pieces.subList(1, 24)).allMatch(p -> p.source() == Source.HOUR);
        assertThat(pieces.get(24).source()).isEqualTo(Source.LEDGER);
        assertThat(pieces).hasSize(25);
        assertContiguous(pieces, "2026-03-28T18:30:00Z", "2026-03-29T18:30:00Z");
    }

    @Test
    void takesWholeMonthsThenDaysThenHoursThenTheLedger() {
        List<Piece> pieces = utc.tile(Instant.parse("2026-01-30T22:15:00Z"), Instant.parse("2026-04-02T01:00:00Z"));

        assertThat(pieces).extracting(Piece::source).containsExactly(Source.LEDGER, Source.HOUR, Source.DAY,
                Source.MONTH, Source.MONTH, Source.DAY, Source.HOUR);
        assertThat(pieces.get(3).start()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertContiguous(pieces, "2026-01-30T22:15:00Z", "2026-04-02T01:00:00Z");
    }

    @Test
    void daysAndMonthsFollowTheReportingZone() {
        Tiling berlin = new Tiling(ZoneId.of("Europe/Berlin"));

        List<Piece> pieces = berlin.tile(Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z"));

        assertThat(pieces).containsExactly(new Piece(Source.DAY, Instant.parse("2026-03-28T23:00:00Z"),
                Instant.parse("2026-03-29T22:00:00Z")));
    }

    private static void assertContiguous(List<Piece> pieces, String from, String to) {
        assertThat(pieces.get(0).start()).isEqualTo(Instant.parse(from));
        assertThat(pieces.get(pieces.size() - 1).end()).isEqualTo(Instant.parse(to));
        for (int i = 1; i < pieces.size(); i++) {
            assertThat(pieces.get(i).start()).isEqualTo(pieces.get(i - 1).end());
        }
    }
}
