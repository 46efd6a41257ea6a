package dev.usageledger.limits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/** Days and weeks of the cost quotas, in the reporting time zone (the zone of the daily stats, CONTRACT §3/§4). */
public final class QuotaPeriods {

    private final ZoneId zone;

    public QuotaPeriods(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    public ZoneId zone() {
        return zone;
    }

    /** The local day {@code at} falls in. */
    public LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, zone);
    }

    /**
     * The local start of the week {@code at} falls in: the latest {@code resetDay} (ISO, 1 = Monday) at
     * {@code resetHour}:00 not after {@code at}.
     */
    public LocalDateTime weekStart(Instant at, int resetDay, int resetHour) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        LocalDateTime start = local.truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.of(resetDay)))
                .withHour(resetHour);
        return start.isAfter(local) ? start.minusWeeks(1) : start;
    }

    /** The week of {@code at} for {@code limits}' reset day and hour. */
    public LocalDateTime weekStart(Instant at, KeyLimits limits) {
        return weekStart(at, limits.effectiveWeeklyResetDay(), limits.weeklyResetHour());
    }
}
