package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.fold.BucketSpan;
import dev.usageledger.projections.mysql.CellDifference;
import dev.usageledger.projections.mysql.StatsRange;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledger rebuild}: recomputes the stats of a range from {@code usage_records} and {@code cost_adjustments}
 * while the live projection continues, one transaction per span ({@link StatsRange#rebuild}), and lists every cell it
 * changed (before → after). {@code --dry-run} lists what it would change and writes nothing. Exit 0 when done (1 for a
 * dry run that found cells to change). Never over what retention removed ({@link RetentionHorizons}): a range before
 * the kept ledger is a usage error (exit 2), hour cells removed by retention are not written again.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Recompute the stats of a range from the ledger, safely under live projection; "
                + "list every cell changed.")
final class RebuildCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RangeOptions range;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--dry-run", description = "list the cells that would change; write nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        ZoneId zone = range.zone(cl);
        Instant from = range.from(cl);
        Instant to = range.to(cl);
        try (HikariDataSource dataSource = database.open()) {
            RetentionHorizons removed = RetentionHorizons.read(dataSource);
            removed.requireLedgerKept(cl, from);
            StatsRange stats = new StatsRange(dataSource, zone, Retries.forCli());
            List<BucketSpan> spans = removed.withoutRemovedHours(stats.spans(from, to));
            String command = dryRun ? "rebuild --dry-run" : "rebuild";
            Progress progress = new Progress(command, spans.size(), cl.getErr(), System::nanoTime);
            CellReport report = new CellReport(cl.getOut(), "before", "after");
            for (BucketSpan span : spans) {
                var result = stats.rebuild(span, dryRun);
                for (CellDifference d : result.differences()) {
                    report.add(d);
                }
                progress.spanDone(result.ledgerRows());
            }
            progress.finish();
            cl.getErr().printf("%s: %d cells %s%n", command, report.cells(), dryRun ? "would change" : "changed");
            return dryRun && report.cells() > 0 ? ExitCodes.DIFFERENCES : ExitCodes.OK;
        }
    }
}
