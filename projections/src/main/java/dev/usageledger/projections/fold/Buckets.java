package dev.usageledger.projections.fold;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * Where an instant falls: the UTC start of its hour, and of its day and month in the reporting
 * time zone. Computed from the event's own instant, never by SQL rounding. Days that start at an
 * odd UTC time (zones with offsets, DST changes) are handled by {@link java.time}.
 *
 * <p>Each granularity remembers its last bucket, as the range of hours (UTC) or of local days it covers: a live
 * poll's events nearly all fall into the same hour, day and month, and {@link java.time} then runs once per bucket
 * instead of three times per event (docs/performance.md, "Consumer CPU and memory"). Thread-safe: a remembered bucket
 * is immutable and replaced whole.
 */
public final class Buckets {

    private static final long SECONDS_PER_HOUR = 3600;
    private static final long SECONDS_PER_DAY = 86_400;

    private final ZoneId reportingZone;
    private final ZoneRules rules;
    private Bucket lastHour = Bucket.NONE;
    private Bucket lastDay = Bucket.NONE;
    private Bucket lastMonth = Bucket.NONE;

    /** A bucket's start and the range [from, until) it covers: epoch hours (UTC) or epoch days (local). */
    private record Bucket(long from, long until, LocalDateTime start) {
        static final Bucket NONE = new Bucket(0, 0, null);

        boolean covers(long point) {
            return point >= from && point < until;
        }
    }

    public Buckets(ZoneId reportingZone) {
        this.reportingZone = Objects.requireNonNull(reportingZone, "reportingZone");
        this.rules = reportingZone.getRules();
    }

    public ZoneId reportingZone() {
        return reportingZone;
    }

    /** The bucket's start as a UTC wall-clock time, the value of {@code bucket_start}. */
    public LocalDateTime start(Granularity granularity, Instant instant) {
        return switch (granularity) {
            case HOUR -> hour(instant);
            case DAY -> day(instant);
            case MONTH -> month(instant);
        };
    }

    /** The instant at which the bucket of {@code instant} ends: the next bucket's start. */
    public Instant end(Granularity granularity, Instant instant) {
        return switch (granularity) {
            case HOUR -> instant.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
            case DAY -> LocalDate.ofEpochDay(localEpochDay(instant) + 1).atStartOfDay(reportingZone).toInstant();
            case MONTH -> LocalDate.ofEpochDay(localEpochDay(instant)).withDayOfMonth(1).plusMonths(1)
                    .atStartOfDay(reportingZone).toInstant();
        };
    }

    /** {@link #start} as an instant. */
    public Instant startInstant(Granularity granularity, Instant instant) {
        return start(granularity, instant).toInstant(ZoneOffset.UTC);
    }

    private LocalDateTime hour(Instant instant) {
        long hour = Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_HOUR);
        Bucket last = lastHour;
        if (!last.covers(hour)) {
            last = new Bucket(hour, hour + 1,
                    LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.HOURS), ZoneOffset.UTC));
            lastHour = last;
        }
        return last.start();
    }

    private LocalDateTime day(Instant instant) {
        long day = localEpochDay(instant);
        Bucket last = lastDay;
        if (!last.covers(day)) {
            LocalDate date = LocalDate.ofEpochDay(day);
            last = new Bucket(day, day + 1, utc(date.atStartOfDay(reportingZone)));
            lastDay = last;
        }
        return last.start();
    }

    private LocalDateTime month(Instant instant) {
        long day = localEpochDay(instant);
        Bucket last = lastMonth;
        if (!last.covers(day)) {
            LocalDate first = LocalDate.ofEpochDay(day).withDayOfMonth(1);
            last = new Bucket(first.toEpochDay(), first.plusMonths(1).toEpochDay(),
                    utc(first.atStartOfDay(reportingZone)));
            lastMonth = last;
        }
        return last.start();
    }

    /** The instant's date in the reporting zone, as an epoch day: what {@code instant.atZone(zone).toLocalDate()} is. */
    private long localEpochDay(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond() + rules.getOffset(instant).getTotalSeconds(), SECONDS_PER_DAY);
    }

    private static LocalDateTime utc(ZonedDateTime start) {
        return start.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
}
