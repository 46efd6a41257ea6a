package dev.usageledger.statsapi.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The buckets of a series in the requested zone (CONTRACT §5): every hour, day or month of that zone that meets
 * {@code [from, to)}, in order. A day is one bucket whatever its length (23 or 25 hours across a daylight-saving
 * change); a bucket is counted only within {@code [from, to)} and is labelled by its start in the zone.
 */
public final class TimeBuckets {

    /** Bucket sizes a request may ask for. */
    public enum Granularity {
        HOUR, DAY, MONTH;

        public String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Granularity> parse(String value) {
            for (Granularity g : values()) {
                if (g.parameter().equals(value)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One bucket: its start in the zone, and the part of {@code [from, to)} it covers.
     *
     * @param start the bucket's own start (may be before {@code from} for the first bucket)
     */
    public record Bucket(ZonedDateTime start, Instant countedFrom, Instant countedTo) {}

    private TimeBuckets() {}

    /**
     * The buckets meeting {@code [from, to)}, or empty when there are more than {@code max} (counted without
     * building them all).
     */
    public static Optional<List<Bucket>> of(Granularity granularity, ZoneId zone, Instant from, Instant to, int max) {
        List<Bucket> buckets = new ArrayList<>();
        ZonedDateTime start = floor(granularity, from.atZone(zone));
        while (start.toInstant().isBefore(to)) {
            if (buckets.size() == max) {
                return Optional.empty();
            }
            ZonedDateTime next = next(granularity, start);
            Instant counted = start.toInstant().isBefore(from) ? from : start.toInstant();
            Instant until = next.toInstant().isAfter(to) ? to : next.toInstant();
            buckets.add(new Bucket(start, counted, until));
            start = next;
        }
        return Optional.of(buckets);
    }

    private static ZonedDateTime floor(Granularity granularity, ZonedDateTime time) {
        return switch (granularity) {
            case HOUR -> time.truncatedTo(ChronoUnit.HOURS);
            case DAY -> time.toLocalDate().atStartOfDay(time.getZone());
            case MONTH -> time.toLocalDate().withDayOfMonth(1).atStartOfDay(time.getZone());
        };
    }

    private static ZonedDateTime next(Granularity granularity, ZonedDateTime start) {
        return switch (granularity) {
            // on the time line: across a fall-back both 01:00 hours are buckets of their own
            case HOUR -> start.plusHours(1);
            case DAY -> dayAfter(start.toLocalDate(), start);
            case MONTH -> start.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(start.getZone());
        };
    }

    private static ZonedDateTime dayAfter(LocalDate date, ZonedDateTime start) {
        return date.plusDays(1).atStartOfDay(start.getZone());
    }
}
