package dev.usageledger.cli;

import dev.usageledger.common.LedgerSettings;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The settings {@code ledger retention} works by, named and defaulted as the apps bind them
 * ({@code ledger.retention.*}, {@link LedgerSettings.Retention}), plus the two it is checked against:
 * {@code ledger.projection.swap-horizon} and {@code ledger.ingest.max-event-age}. Durations are written as in the
 * apps' settings ({@link Durations}).
 */
public final class RetentionOptions {

    @Option(names = "--ledger-retention", paramLabel = "AGE", defaultValue = "${env:LEDGER_RETENTION_LEDGER:-400d}",
            description = "ledger.retention.ledger: a UTC month of the ledger is dropped once its end is this old "
                    + "(env LEDGER_RETENTION_LEDGER; default: ${DEFAULT-VALUE})")
    String ledger;

    @Option(names = "--hourly-retention", paramLabel = "AGE", defaultValue = "${env:LEDGER_RETENTION_HOURLY:-90d}",
            description = "ledger.retention.hourly: hour rows of the stats older than this are removed "
                    + "(env LEDGER_RETENTION_HOURLY; default: ${DEFAULT-VALUE})")
    String hourly;

    @Option(names = "--claims-retention", paramLabel = "AGE", defaultValue = "${env:LEDGER_RETENTION_CLAIMS:-31d}",
            description = "ledger.retention.claims: id claims whose occurred_at is older than this are removed "
                    + "(env LEDGER_RETENTION_CLAIMS; default: ${DEFAULT-VALUE})")
    String claims;

    @Option(names = "--months-ahead", paramLabel = "N", defaultValue = "${env:LEDGER_RETENTION_MONTHSAHEAD:-3}",
            description = "ledger.retention.months-ahead: month partitions kept ready after the current UTC month "
                    + "(env LEDGER_RETENTION_MONTHSAHEAD; default: ${DEFAULT-VALUE})")
    int monthsAhead;

    @Option(names = "--swap-horizon", paramLabel = "AGE", defaultValue = "${env:LEDGER_PROJECTION_SWAPHORIZON:-7d}",
            description = "ledger.projection.swap-horizon, which the ledger and hourly retention must cover "
                    + "(env LEDGER_PROJECTION_SWAPHORIZON; default: ${DEFAULT-VALUE})")
    String swapHorizon;

    @Option(names = "--max-event-age", paramLabel = "AGE", defaultValue = "${env:LEDGER_INGEST_MAXEVENTAGE:-30d}",
            description = "ledger.ingest.max-event-age, which the claims' retention must cover "
                    + "(env LEDGER_INGEST_MAXEVENTAGE; default: ${DEFAULT-VALUE})")
    String maxEventAge;

    @Option(names = "--now", paramLabel = "INSTANT", hidden = true,
            description = "the instant ages are counted back from (tests); default: the clock")
    String now;

    /**
     * The retention settings, checked as usage-consumer checks them at start: a setting out of range or shorter than
     * what the projection may still touch fails naming the property ({@code InvalidSettingException}, exit 2).
     */
    LedgerSettings.Retention retention(CommandLine commandLine) {
        LedgerSettings.Retention retention = new LedgerSettings.Retention(
                Durations.parse(commandLine, "--ledger-retention", ledger),
                Durations.parse(commandLine, "--hourly-retention", hourly),
                Durations.parse(commandLine, "--claims-retention", claims), monthsAhead);
        retention.requireCovers(Durations.parse(commandLine, "--swap-horizon", swapHorizon),
                Durations.parse(commandLine, "--max-event-age", maxEventAge));
        return retention;
    }

    Instant now(CommandLine commandLine) {
        if (now == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(now).toInstant();
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(commandLine, "--now: not an RFC 3339 instant: " + now);
        }
    }
}
