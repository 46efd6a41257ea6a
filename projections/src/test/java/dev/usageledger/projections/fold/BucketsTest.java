package dev.usageledger.projections.fold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** bucket_start values: UTC hours; days and months of the reporting zone, as UTC instants. */
class BucketsTest {

    private static LocalDateTime utc(String localDateTime) {
        return LocalDateTime.parse(localDateTime);
    }

    static Stream<Arguments> buckets() {
        return Stream.of(
                // zone, instant, hour start, day start, month start (all UTC wall-clock)
                arguments("UTC", "2026-11-22T10:15:30.123Z", "2026-11-22T10:00", "2026-11-22T00:00", "2026-11-01T00:00"),
                arguments("UTC", "2026-11-22T00:00:00Z", "2026-11-22T00:00", "2026-11-22T00:00", "2026-11-01T00:00"),
                arguments("UTC", "2026-11-30T23:59:59.999Z", "2026-11-30T23:00", "2026-11-30T00:00", "2026-11-01T00:00"),
                arguments("UTC", "2026-12-01T00:00:00Z", "2026-12-01T00:00", "2026-12-01T00:00", "2026-12-01T00:00"),
                arguments("UTC", "2028-02-29T12:00:00Z", "2028-02-29T12:00", "2028-02-29T00:00", "2028-02-01T00:00"),
                // Asia/Shanghai (+08:00): 17:00Z is already the next local day
                arguments("Asia/Shanghai", "2026-11-22T17:00:00Z", "2026-11-22T17:00", "2026-11-22T16:00", "2026-10-31T16:00"),
                arguments("Asia/Shanghai", "2026-11-22T15:59:59.999Z", "2026-11-22T15:00", "2026-11-21T16:00", "2026-10-31T16:00"),
                arguments("Asia/Shanghai", "2026-11-22T16:00:00Z", "2026-11-22T16:00", "2026-11-22T16:00", "2026-10-31T16:00"),
                // 00:30 on 1 December in Shanghai is still 30 November in UTC
                arguments("Asia/Shanghai", "2026-11-30T16:30:00Z", "2026-11-30T16:00", "2026-11-30T16:00", "2026-11-30T16:00"),
                // Asia/Kolkata (+05:30): days start at half past a UTC hour; hours stay UTC hours
                arguments("Asia/Kolkata", "2026-11-22T20:45:00Z", "2026-11-22T20:00", "2026-11-22T18:30", "2026-10-31T18:30"),
                // America/New_York, DST ends 2026-11-01 02:00 EDT -> 01:00 EST
                arguments("America/New_York", "2026-10-31T12:00:00Z", "2026-10-31T12:00", "2026-10-31T04:00", "2026-10-01T04:00"),
                arguments("America/New_York", "2026-11-01T03:59:59Z", "2026-11-01T03:00", "2026-10-31T04:00", "2026-10-01T04:00"),
                arguments("America/New_York", "2026-11-01T04:00:00Z", "2026-11-01T04:00", "2026-11-01T04:00", "2026-11-01T04:00"),
                // 01:30 local happens twice: first EDT (05:30Z), then EST (06:30Z); same day, two hours
                arguments("America/New_York", "2026-11-01T05:30:00Z", "2026-11-01T05:00", "2026-11-01T04:00", "2026-11-01T04:00"),
                arguments("America/New_York", "2026-11-01T06:30:00Z", "2026-11-01T06:00", "2026-11-01T04:00", "2026-11-01T04:00"),
                arguments("America/New_York", "2026-11-02T04:59:59Z", "2026-11-02T04:00", "2026-11-01T04:00", "2026-11-01T04:00"),
                arguments("America/New_York", "2026-11-02T05:00:00Z", "2026-11-02T05:00", "2026-11-02T05:00", "2026-11-01T04:00"),
                arguments("America/New_York", "2026-12-01T05:00:00Z", "2026-12-01T05:00", "2026-12-01T05:00", "2026-12-01T05:00"),
                // spring forward 2026-03-08: the day starts in EST, the next one in EDT
                arguments("America/New_York", "2026-03-08T12:00:00Z", "2026-03-08T12:00", "2026-03-08T05:00", "2026-03-01T05:00"),
                arguments("America/New_York", "2026-03-09T12:00:00Z", "2026-03-09T12:00", "2026-03-09T04:00", "2026-03-01T05:00"),
                // a day whose local midnight did not exist (Sao Paulo DST began at 00:00 on 2018-11-04)
                arguments("America/Sao_Paulo", "2018-11-04T12:00:00Z", "2018-11-04T12:00", "2018-11-04T03:00", "2018-11-01T03:00"));
    }

    @ParameterizedTest(name = "{0} {1}: hour {2}, day {3}, month {4}")
    @MethodSource("buckets")
    void startsBucketsAtTheUtcInstantOfTheLocalBoundary(String zone, String instant, String hour, String day,
            String month) {
        Buckets buckets = new Buckets(ZoneId.of(zone));
        Instant at = Instant.parse(instant);

        assertThat(buckets.start(Granularity.HOUR, at)).isEqualTo(utc(hour));
        assertThat(buckets.start(Granularity.DAY, at)).isEqualTo(utc(day));
        assertThat(buckets.start(Granularity.MONTH, at)).isEqualTo(utc(month));
    }

    @Test
    void theNovemberDstDayInNewYorkIsTwentyFiveHoursLong() {
        Buckets ny = new Buckets(ZoneId.of("America/New_York"));

        LocalDateTime first = ny.start(Granularity.DAY, Instant.parse("2026-11-01T12:00:00Z"));
        LocalDateTime next = ny.start(Granularity.DAY, Instant.parse("2026-11-02T12:00:00Z"));

        assertThat(java.time.Duration.between(first, next)).hasHours(25);
    }

    @Test
    void everyInstantFallsInTheBucketItStarts() {
        Buckets ny = new Buckets(ZoneId.of("America/New_York"));
        Instant t = Instant.parse("2026-10-31T00:00:00Z");
        for (int i = 0; i < 24 * 4 * 4; i++, t = t.plusSeconds(900)) {
            for (Granularity g : Granularity.values()) {
                LocalDateTime start = ny.start(g, t);
                assertThat(start.toInstant(ZoneOffset.UTC)).isBeforeOrEqualTo(t);
                assertThat(ny.start(g, start.toInstant(ZoneOffset.UTC))).as("%s of %s", g, t).isEqualTo(start);
            }
        }
    }

    /** The bucket computed for each instant alone, straight from {@link java.time}: the reference. */
    private static LocalDateTime reference(ZoneId zone, Granularity g, Instant instant) {
        return switch (g) {
            case HOUR -> LocalDateTime.ofInstant(instant.truncatedTo(java.time.temporal.ChronoUnit.HOURS), ZoneOffset.UTC);
            case DAY -> instant.atZone(zone).toLocalDate().atStartOfDay(zone)
                    .withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
            case MONTH -> instant.atZone(zone).toLocalDate().withDayOfMonth(1).atStartOfDay(zone)
                    .withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        };
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"UTC", "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu",
            "America/New_York", "America/Havana", "America/Sao_Paulo", "Europe/Berlin", "Australia/Lord_Howe",
            "Pacific/Apia", "Pacific/Chatham", "America/St_Johns", "+05:45", "-09:30"})
    void remembersBucketsWithoutChangingAnyStart(String zoneName) {
        ZoneId zone = ZoneId.of(zoneName);
        Buckets buckets = new Buckets(zone);
        java.util.Random random = new java.util.Random(zoneName.hashCode());
        long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
        Instant t = Instant.parse("2026-11-22T10:15:30Z");
        for (int i = 0; i < 50_000; i++) {
            t = switch (random.nextInt(4)) {
                case 0 -> Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from)), random.nextInt(1000) * 1_000_000);
                // near the last one: the same hour, day or month, or just across their edges (DST changes included)
                case 1 -> t.plusSeconds(random.nextInt(7200) - 3600);
                case 2 -> t.plusSeconds(random.nextInt(4 * 86_400) - 2 * 86_400);
                default -> t.plusMillis(random.nextInt(2000) - 1000);
            };
            for (Granularity g : Granularity.values()) {
                assertThat(buckets.start(g, t)).as("%s of %s in %s", g, t, zone).isEqualTo(reference(zone, g, t));
            }
        }
    }

    @Test
    void remembersBucketsAcrossEveryTransitionOfADstZone() {
        ZoneId zone = ZoneId.of("America/Havana"); // DST changes at midnight: days that start at 01:00
        Buckets buckets = new Buckets(zone);
        java.time.zone.ZoneRules rules = zone.getRules();
        java.time.zone.ZoneOffsetTransition transition = rules.nextTransition(Instant.parse("1990-01-01T00:00:00Z"));
        while (transition != null && transition.getInstant().isBefore(Instant.parse("2040-01-01T00:00:00Z"))) {
            for (long s = -7200; s <= 7200; s += 599) {
                Instant t = transition.getInstant().plusSeconds(s);
                for (Granularity g : Granularity.values()) {
                    assertThat(buckets.start(g, t)).as("%s of %s", g, t).isEqualTo(reference(zone, g, t));
                }
            }
            transition = rules.nextTransition(transition.getInstant());
        }
    }

    @Test
    void theReportingZoneIsKept() {
        assertThat(new Buckets(ZoneId.of("Asia/Shanghai")).reportingZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }
}
