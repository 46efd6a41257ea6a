package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.common.LedgerSettings;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledger retention}: creates the ledger's month partitions ahead, drops the months past
 * {@code ledger.retention.ledger}, removes hour rows of the stats past {@code ledger.retention.hourly} and id claims
 * past {@code ledger.retention.claims} ({@link RetentionJob}). The settings are checked first, as usage-consumer checks
 * them at start: a retention shorter than what the projection may still touch is a usage error (exit 2) and nothing
 * is changed. {@code --dry-run} prints what would be created, dropped and deleted, and changes nothing. Meant to run
 * nightly (docs/operations.md, "Retention").
 */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "Create month partitions of the ledger ahead, drop expired months, remove expired hour rows of "
                + "the stats and expired id claims.")
final class RetentionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RetentionOptions options;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--dry-run", description = "print what would be created, dropped and deleted; change nothing")
    boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "5000",
            description = "most rows of one DELETE (one short transaction); default: ${DEFAULT-VALUE}")
    int batchSize;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        LedgerSettings.Retention retention = options.retention(cl);
        Instant now = options.now(cl);
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new CommandLine.ParameterException(cl, "--batch-size must be between 1 and 1000000");
        }
        String command = dryRun ? "retention --dry-run" : "retention";
        long started = System.nanoTime();
        try (HikariDataSource dataSource = database.open()) {
            new RetentionJob(dataSource, retention, now, dryRun, batchSize, command, cl.getOut(), cl.getErr()).run();
        }
        cl.getErr().printf(Locale.ROOT, "%s: done in %.3f s%s%n", command, (System.nanoTime() - started) / 1e9,
                dryRun ? ", nothing changed" : "");
        return ExitCodes.OK;
    }
}
