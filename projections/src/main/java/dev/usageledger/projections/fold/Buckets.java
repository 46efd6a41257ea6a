package dev.usageledger.projections.fold;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Where an instant falls: the UTC start of its hour, and of its day and month in the reporting
 * time zone. Computed from the event's own instant, never by SQL rounding. Days that start at an
 * odd UTC time (zones with offsets, DST changes) are handled by {@link java.time}.
 */
public final class Buckets {

    private final ZoneId reportingZone;

    public Buckets(ZoneId reportingZone) {
        this.reportingZone = Objects.requireNonNull(reportingZone, "reportingZone");
    }

    public ZoneId reportingZone() {
        return reportingZone;
    }

    /** The bucket's start as a UTC wall-clock time, the value of {@code bucket_start}. */
    public LocalDateTime start(Granularity granularity, Instant instant) {
        return switch (granularity) {
            case HOUR -> LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.HOURS), ZoneOffset.UTC);
            case DAY -> utc(instant.atZone(reportingZone).toLocalDate().atStartOfDay(reportingZone));
            case MONTH -> utc(instant.atZone(reportingZone).toLocalDate().withDayOfMonth(1).atStartOfDay(reportingZone));
        };
    }

    private static LocalDateTime utc(ZonedDateTime start) {
        return start.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
}
