package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuotaPeriodsTest {

    private final QuotaPeriods shanghai = new QuotaPeriods(ZoneId.of("Asia/Shanghai"));

    @Test
    void daysFollowTheReportingZone() {
        assertThat(shanghai.day(Instant.parse("2026-03-04T15:59:59Z"))).isEqualTo(LocalDate.of(2026, 3, 4));
        assertThat(shanghai.day(Instant.parse("2026-03-04T16:00:00Z"))).isEqualTo(LocalDate.of(2026, 3, 5));
    }

    @Test
    void aWeekStartsAtTheLatestResetDayAndHourNotAfterNow() {
        // Monday 09:00 local reset; 2026-03-02 is a Monday.
        assertThat(shanghai.weekStart(Instant.parse("2026-03-02T00:59:59Z"), 1, 9)) // Mon 08:59:59 local
                .isEqualTo(LocalDateTime.of(2026, 2, 23, 9, 0));
        assertThat(shanghai.weekStart(Instant.parse("2026-03-02T01:00:00Z"), 1, 9)) // Mon 09:00 local
                .isEqualTo(LocalDateTime.of(2026, 3, 2, 9, 0));
        assertThat(shanghai.weekStart(Instant.parse("2026-03-08T15:00:00Z"), 1, 9)) // Sun 23:00 local
                .isEqualTo(LocalDateTime.of(2026, 3, 2, 9, 0));
    }
}
