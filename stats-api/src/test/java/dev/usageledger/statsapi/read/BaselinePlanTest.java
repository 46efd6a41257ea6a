package dev.usageledger.statsapi.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.statsapi.read.BaselinePlan.Import;
import dev.usageledger.statsapi.read.BaselinePlan.Planned;
import dev.usageledger.statsapi.read.Tiling.Source;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinePlanTest {

    private static final Import PLUS_8 = new Import("crs-1", ZoneOffset.ofHours(8),
            Instant.parse("2026-05-11T04:00:00Z"));

    @Test
    void inTheImportsOffsetEachSpanTakesWholeDaysUpToTheCutoffThenItsHours() {
        Span may10 = new Span(Instant.parse("2026-05-09T16:00:00Z"), Instant.parse("2026-05-10T16:00:00Z"));
        Span may11 = new Span(Instant.parse("2026-05-10T16:00:00Z"), Instant.parse("2026-05-11T16:00:00Z"));
        Planned plan = BaselinePlan.plan(List.of(PLUS_8), List.of(may10, may11), ZoneId.of("Asia/Shanghai")).get(0);
        assertThat(plan.daysAndMonths()).isTrue();
        assertThat(plan.buckets().get(Source.DAY)).containsOnlyKeys(LocalDateTime.parse("2026-05-09T16:00"));
        assertThat(plan.buckets().get(Source.HOUR)).hasSize(12)
                .containsKey(LocalDateTime.parse("2026-05-10T16:00")).containsKey(LocalDateTime.parse("2026-05-11T03:00"))
                .doesNotContainKey(LocalDateTime.parse("2026-05-11T04:00"));
        assertThat(plan.buckets().get(Source.HOUR).firstEntry().getValue().span()).isEqualTo(1);
    }

    @Test
    void inAnotherOffsetOnlyWholeHoursAreTakenAndTheReasonNamesBoth() {
        Span utcDay = new Span(Instant.parse("2026-05-09T00:00:00Z"), Instant.parse("2026-05-10T00:00:00Z"));
        Planned plan = BaselinePlan.plan(List.of(PLUS_8), List.of(utcDay), ZoneOffset.UTC).get(0);
        assertThat(plan.daysAndMonths()).isFalse();
        assertThat(plan.reason()).contains("crs-1", "+08:00", "Z");
        assertThat(plan.buckets()).containsOnlyKeys(Source.HOUR);
        assertThat(plan.buckets().get(Source.HOUR)).containsOnlyKeys(LocalDateTime.parse("2026-05-09T00:00"));
        assertThat(plan.buckets().get(Source.HOUR).firstEntry().getValue().end()).isEqualTo(utcDay.to());
        Span allTime = new Span(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));
        assertThat(BaselinePlan.plan(List.of(PLUS_8), List.of(allTime), ZoneOffset.UTC).get(0).buckets()
                .get(Source.HOUR)).as("one run of hours, up to the cutoff")
                .containsExactly(java.util.Map.entry(LocalDateTime.parse("2000-01-01T00:00"),
                        new StatsReader.Slot(0, PLUS_8.cutoff())));
        Span halfHours = new Span(Instant.parse("2026-05-09T00:30:00Z"), Instant.parse("2026-05-09T02:30:00Z"));
        assertThat(BaselinePlan.plan(List.of(PLUS_8), List.of(halfHours), ZoneOffset.UTC).get(0).buckets()
                .get(Source.HOUR)).containsOnlyKeys(LocalDateTime.parse("2026-05-09T01:00"));
    }

    @Test
    void aZoneWithTheImportsOffsetOnlyPartOfTheRangeIsNotAligned() {
        ZoneId perth = ZoneId.of("Australia/Perth");
        // Perth kept +08:00 after its last daylight-saving period ended on 2009-03-29 (02:00 +09:00)
        assertThat(BaselinePlan.sameOffset(perth, ZoneOffset.ofHours(8), Instant.parse("2009-04-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"))).isTrue();
        assertThat(BaselinePlan.sameOffset(perth, ZoneOffset.ofHours(8), Instant.parse("2009-03-01T00:00:00Z"),
                Instant.parse("2009-04-01T00:00:00Z"))).isFalse();
        assertThat(BaselinePlan.plan(List.of(PLUS_8), List.of(), ZoneOffset.UTC)).isEmpty();
    }

    @Test
    void noImportNoPlanAndNoBaselineInTheAnswer() {
        Span day = new Span(Instant.parse("2026-05-09T00:00:00Z"), Instant.parse("2026-05-10T00:00:00Z"));
        assertThat(BaselinePlan.answer(BaselinePlan.plan(List.of(), List.of(day), ZoneOffset.UTC), 0)).isNull();
    }
}
