package dev.usageledger.projections.fold;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketSpanTest {

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York"})
    void coversEveryWholeBucketOfTheRangeExactlyOnce(String zone) {
        Buckets buckets = new Buckets(ZoneId.of(zone));
        // Edges inside an hour, a day and a month; a DST change in New York (2026-11-01).
        Instant from = Instant.parse("2026-09-29T07:20:00Z");
        Instant to = Instant.parse("2026-11-03T05:10:00Z");
        List<BucketSpan> spans = BucketSpan.cover(buckets, from, to);

        for (Granularity g : Granularity.values()) {
            Map<LocalDateTime, Integer> covered = new HashMap<>();
            for (BucketSpan span : spans) {
                for (Instant t = span.from(); t.isBefore(span.to()); t = t.plus(Duration.ofMinutes(15))) {
                    LocalDateTime start = buckets.start(g, t);
                    if (span.contains(buckets, g, start)) {
                        covered.merge(start, 1, Integer::sum);
                    }
                }
            }
            // Every whole bucket inside the range: covered, by one span (15-minute steps: a count per step).
            for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(15))) {
                Instant start = buckets.startInstant(g, t);
                boolean whole = !start.isBefore(from) && !buckets.end(g, t).isAfter(to);
                long steps = Duration.between(start, buckets.end(g, t)).toMinutes() / 15;
                LocalDateTime key = LocalDateTime.ofInstant(start, ZoneOffset.UTC);
                assertThat(covered.getOrDefault(key, 0)).as("%s %s %s", zone, g, key)
                        .isEqualTo(whole ? (int) steps : 0);
            }
        }
    }

    @Test
    void slotsNeverCrossABucketBoundary() {
        Buckets kolkata = new Buckets(ZoneId.of("Asia/Kolkata"));
        List<BucketSpan> spans = BucketSpan.cover(kolkata, Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2026-10-04T00:00:00Z"));
        for (BucketSpan span : spans) {
            long slot = span.slotSeconds();
            assertThat(Duration.between(span.from(), span.to()).getSeconds() % slot).isZero();
            if (span.granularities().contains(Granularity.HOUR)) {
                assertThat(3600 % slot).isZero();
                assertThat(Math.floorMod(span.from().getEpochSecond(), 3600) % slot).isZero();
            }
        }
        assertThat(spans).anySatisfy(s -> assertThat(s.slotSeconds()).isEqualTo(1800));
    }
}
