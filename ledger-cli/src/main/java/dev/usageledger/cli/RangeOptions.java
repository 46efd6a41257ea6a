package dev.usageledger.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A range {@code [--from, --to)} of the ledger and the reporting zone its day and month buckets follow. Each bound
 * is an RFC 3339 instant or a date {@code YYYY-MM-DD}, taken as midnight in the zone (as stats-api reads them).
 */
public final class RangeOptions {

    @Option(names = "--from", required = true, paramLabel = "WHEN",
            description = "start, inclusive: RFC 3339 instant or YYYY-MM-DD (midnight in the zone)")
    String from;

    @Option(names = "--to", required = true, paramLabel = "WHEN",
            description = "end, exclusive: RFC 3339 instant or YYYY-MM-DD (midnight in the zone)")
    String to;

    @Mixin
    ReportingZone reportingZone;

    /** The zone; a usage error naming the option when it is not an IANA zone id. */
    ZoneId zone(CommandLine commandLine) {
        return reportingZone.zone(commandLine);
    }

    Instant from(CommandLine commandLine) {
        return instant(commandLine, "--from", from);
    }

    /** The end; a usage error unless it is after the start. */
    Instant to(CommandLine commandLine) {
        Instant end = instant(commandLine, "--to", to);
        if (!end.isAfter(from(commandLine))) {
            throw new CommandLine.ParameterException(commandLine, "--to must be after --from");
        }
        return end;
    }

    private Instant instant(CommandLine commandLine, String option, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(zone(commandLine)).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(commandLine,
                    option + ": not an RFC 3339 instant or a date YYYY-MM-DD: " + value);
        }
    }
}
