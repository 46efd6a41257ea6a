package dev.usageledger.cli;

import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.BatchedInsertSink;
import dev.usageledger.projections.mysql.ProjectionWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The projection's own settings, for a command that projects events through usage-consumer's writer
 * ({@link ProjectionWriter}: the same claims, fold, version rule and stats): the reporting zone
 * ({@code --zone}) and {@code --swap-horizon} ({@code ledger.projection.swap-horizon}). Both must be the consumer's.
 */
public final class ProjectionOptions {

    @Mixin
    ReportingZone reportingZone;

    @Option(names = "--swap-horizon", paramLabel = "DURATION",
            defaultValue = "${env:LEDGER_PROJECTION_SWAPHORIZON:-7d}",
            description = "ledger.projection.swap-horizon, as usage-consumer has it: 7d, 168h, P7D "
                    + "(env LEDGER_PROJECTION_SWAPHORIZON; default: ${DEFAULT-VALUE})")
    String swapHorizon;

    /** The writer, as usage-consumer builds it (batched INSERTs), retried as the CLI retries, counted nowhere. */
    ProjectionWriter writer(CommandLine commandLine, DataSource dataSource) {
        SecureRandom random = new SecureRandom();
        return new ProjectionWriter(dataSource, new BatchFold(new Buckets(reportingZone.zone(commandLine))),
                Retries.forCli(), Clock.systemUTC(), random::nextLong, new SimpleMeterRegistry(),
                new BatchedInsertSink(), swapHorizon(commandLine));
    }

    /** The swap horizon; a usage error unless it is a positive duration. */
    Duration swapHorizon(CommandLine commandLine) {
        return Durations.positive(commandLine, "--swap-horizon", swapHorizon);
    }
}
