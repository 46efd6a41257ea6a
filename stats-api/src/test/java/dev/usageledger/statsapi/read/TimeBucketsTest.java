package dev.usageledger.statsapi.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.statsapi.read.TimeBuckets.Bucket;
import dev.usageledger.statsapi.read.TimeBuckets.Granularity;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeBucketsTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void aFallBackDayIsOneBucketOfTwentyFiveHoursAndItsHoursAreTwentyFiveBuckets() {
        Instant from = Instant.parse("2026-11-01T04:00:00Z");
        Instant to = Instant.parse("2026-11-02T05:00:00Z");

        List<Bucket> days = TimeBuckets.of(Granularity.DAY, NEW_YORK, from, to, 10).orElseThrow();
        List<Bucket> hours = TimeBuckets.of(Granularity.HOUR, NEW_YORK, from, to, 100).orElseThrow();

        assertThat(days).hasSize(1);
        assertThat(days.get(0).countedTo()).isEqualTo(to);
        assertThat(hours).hasSize(25);
        assertThat(hours.get(1).start().getHour()).isEqualTo(hours.get(2).start().getHour()); // 01:00 twice
    }

    @Test
    void anUnalignedRangeCountsOnlyItsOwnPartOfTheEdgeBuckets() {
        List<Bucket> days = TimeBuckets.of(Granularity.DAY, ZoneId.of("UTC"), Instant.parse("2026-03-10T10:00:00Z"),
                Instant.parse("2026-03-12T06:00:00Z"), 10).orElseThrow();

        assertThat(days).hasSize(3);
        assertThat(days.get(0).start().toInstant()).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThat(days.get(0).countedFrom()).isEqualTo(Instant.parse("2026-03-10T10:00:00Z"));
        assertThat(days.get(2).countedTo()).isEqualTo(Instant.parse("2026-03-12T06:00:00Z"));
    }

    @Test
    void refusesMoreBucketsThanTheBound() {
        assertThat(TimeBuckets.of(Granularity.HOUR, NEW_YORK, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T10:00:00Z"), 9)).isEmpty();
        assertThat(TimeBuckets.of(Granularity.HOUR, NEW_YORK, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T10:00:00Z"), 10)).isPresent();
    }
}
