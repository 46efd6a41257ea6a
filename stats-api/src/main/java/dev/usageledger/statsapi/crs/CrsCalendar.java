package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.read.Span;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Days, months and hours as CRS buckets them, in the reporting zone instead of CRS's fixed offset
 * ({@code TIMEZONE_OFFSET}, src/models/redis.js getDateInTimezone): a day or a month is one bucket of the zone
 * whatever its length, an hour is a UTC hour. "Today" comes from the injected clock.
 */
final class CrsCalendar {

    /** Before every ledger row and after every one: what "all time" sums over (whole months of any zone). */
    private static final LocalDate ALL_TIME_FROM = LocalDate.of(1970, 1, 1);
    private static final LocalDate ALL_TIME_TO = LocalDate.of(2200, 1, 1);
    private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("MM/dd HH:mm");
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final ZoneId zone;
    private final InstantSource clock;

    CrsCalendar(ZoneId zone, InstantSource clock) {
        this.zone = zone;
        this.clock = clock;
    }

    ZoneId zone() {
        return zone;
    }

    Instant now() {
        return clock.instant();
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone);
    }

    Span day(LocalDate date) {
        return new Span(start(date), start(date.plusDays(1)));
    }

    /** The dates from {@code first} to {@code last}, both included. */
    Span days(LocalDate first, LocalDate last) {
        return new Span(start(first), start(last.plusDays(1)));
    }

    Span month(YearMonth month) {
        return new Span(start(month.atDay(1)), start(month.plusMonths(1).atDay(1)));
    }

    Span currentMonth() {
        return month(YearMonth.from(today()));
    }

    Span allTime() {
        return new Span(start(ALL_TIME_FROM), start(ALL_TIME_TO));
    }

    /** The last {@code n} days up to today, oldest first (CRS's {@code days} parameter). */
    List<LocalDate> lastDays(int n) {
        LocalDate today = today();
        List<LocalDate> days = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            days.add(today.minusDays(i));
        }
        return days;
    }

    /** The UTC hours from the one {@code from} falls in up to the one {@code to} falls in, as CRS walks them. */
    List<Instant> hours(Instant from, Instant to) {
        List<Instant> hours = new ArrayList<>();
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); !hour.isAfter(to); hour = hour.plus(1, ChronoUnit.HOURS)) {
            hours.add(hour);
        }
        return hours;
    }

    /** CRS's hour label, {@code MM/DD HH:00}, in the reporting zone (a half-hour zone shows its minutes). */
    String hourLabel(Instant hour) {
        return HOUR_LABEL.format(hour.atZone(zone));
    }

    /** JavaScript's {@code Date.toISOString()}. */
    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    private Instant start(LocalDate date) {
        return date.atStartOfDay(zone).toInstant();
    }
}
