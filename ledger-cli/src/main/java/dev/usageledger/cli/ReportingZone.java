package dev.usageledger.cli;

import java.time.DateTimeException;
import java.time.ZoneId;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --zone}: the reporting zone day and month buckets follow, {@code ledger.reporting.zone} (env
 * {@code LEDGER_REPORTING_ZONE}), as the apps read it. A command that folds or checks stats must use the
 * consumer's zone.
 */
public final class ReportingZone {

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "${env:LEDGER_REPORTING_ZONE:-UTC}",
            description = "the reporting zone of day and month buckets, ledger.reporting.zone "
                    + "(env LEDGER_REPORTING_ZONE; default: ${DEFAULT-VALUE})")
    String zone;

    /** The zone; a usage error naming the option when it is not an IANA zone id. */
    ZoneId zone(CommandLine commandLine) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(commandLine, "--zone: not an IANA time zone id: " + zone);
        }
    }
}
