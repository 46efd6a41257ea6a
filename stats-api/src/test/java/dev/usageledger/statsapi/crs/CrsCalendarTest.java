package dev.usageledger.statsapi.crs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.statsapi.read.Span;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CRS's days, months and hours in a reporting zone other than UTC (CRS's own default offset is +8). */
class CrsCalendarTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 04:00 on 2026-03-31 in Shanghai, still the 30th in UTC. */
    private static final Instant NOW = Instant.parse("2026-03-30T20:00:00Z");
    private final CrsCalendar shanghai = new CrsCalendar(SHANGHAI, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void todayAndItsDaysAndMonthAreThoseOfTheReportingZone() {
        assertThat(shanghai.today()).isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(shanghai.lastDays(3)).containsExactly(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 3, 30),
                LocalDate.of(2026, 3, 31));
        assertThat(shanghai.day(shanghai.today())).isEqualTo(new Span(Instant.parse("2026-03-30T16:00:00Z"),
                Instant.parse("2026-03-31T16:00:00Z")));
        assertThat(shanghai.currentMonth()).isEqualTo(new Span(Instant.parse("2026-02-28T16:00:00Z"),
                Instant.parse("2026-03-31T16:00:00Z")));
        assertThat(shanghai.days(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2))).isEqualTo(new Span(
                Instant.parse("2026-02-28T16:00:00Z"), Instant.parse("2026-03-02T16:00:00Z")));
    }

    @Test
    void hoursAreUtcHoursLabelledInTheZone() {
        assertThat(shanghai.hourLabel(NOW)).isEqualTo("03/31 04:00");
        assertThat(new CrsCalendar(ZoneId.of("Asia/Kolkata"), Clock.fixed(NOW, ZoneOffset.UTC)).hourLabel(NOW))
                .isEqualTo("03/31 01:30");
        assertThat(CrsCalendar.iso(NOW)).isEqualTo("2026-03-30T20:00:00.000Z");
        assertThat(shanghai.hours(Instant.parse("2026-03-30T10:30:00Z"), Instant.parse("2026-03-30T12:00:00Z")))
                .containsExactly(Instant.parse("2026-03-30T10:00:00Z"), Instant.parse("2026-03-30T11:00:00Z"),
                        Instant.parse("2026-03-30T12:00:00Z"));
    }

    @Test
    void trendBucketsAreTheLastDaysOrTheHoursOfTheRange() {
        TrendBuckets days = TrendBuckets.of(new CrsQuery(Map.of("days", "2"), SHANGHAI), shanghai, 100, null);
        assertThat(days.buckets()).extracting(b -> b.head().get("date")).containsExactly("2026-03-30", "2026-03-31");
        assertThat(days.end()).isEqualTo(Instant.parse("2026-03-31T16:00:00Z"));

        TrendBuckets lastDay = TrendBuckets.of(new CrsQuery(Map.of("granularity", "hour"), SHANGHAI), shanghai, 100,
                null);
        assertThat(lastDay.buckets()).hasSize(25);
        assertThat(lastDay.buckets().get(24).head()).containsEntry("hour", "2026-03-30T20:00:00.000Z")
                .containsEntry("label", "03/31 04:00");

        // a local date-time is one of the reporting zone, as CRS's new Date() reads it on a server in that zone
        TrendBuckets local = TrendBuckets.of(new CrsQuery(Map.of("granularity", "hour", "startDate",
                "2026-03-31 00:00:00", "endDate", "2026-03-31T02:00:00+08:00"), SHANGHAI), shanghai, 100, null);
        assertThat(local.buckets()).extracting(b -> b.head().get("label"))
                .containsExactly("03/31 00:00", "03/31 01:00", "03/31 02:00");

        assertThatThrownBy(() -> TrendBuckets.of(new CrsQuery(Map.of("days", "101"), SHANGHAI), shanghai, 100, null))
                .isInstanceOf(CrsError.class).hasMessageStartingWith("days ");
    }
}
