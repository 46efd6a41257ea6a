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

/**
 * {@code ledger verify}: every CONTRACT §3 invariant over a range, clipped to whole buckets of the reporting zone per
 * granularity; each differing cell on stdout ({@link CellReport}), each ledger row that breaks uniqueness after them.
 * What retention removed is respected ({@link RetentionHorizons}): a range before the kept ledger is a usage error, hour
 * cells and id claims retention removed are not looked for. Read-only. Exit 0 when all hold, 1 when anything differs.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the stats of a range against the ledger (CONTRACT §3); list every differing cell.")
final class VerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RangeOptions range;

    @Mixin
    DatabaseOptions database;

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
            Progress progress = new Progress("verify", spans.size(), cl.getErr(), System::nanoTime);
            CellReport report = new CellReport(cl.getOut(), "stored", "ledger");
            for (BucketSpan span : spans) {
                var result = stats.check(span);
                for (CellDifference d : result.differences()) {
                    report.add(d);
                }
                progress.spanDone(result.ledgerRows());
            }
            Instant claimed = removed.claimsCheckedFrom(from);
            List<String> problems = claimed.isBefore(to) ? stats.ledgerProblems(claimed, to) : List.of();
            problems.forEach(cl.getOut()::println);
            progress.finish();
            cl.getErr().printf("verify: %d differing cells, %d ledger id problems%n", report.cells(), problems.size());
            return report.cells() == 0 && problems.isEmpty() ? ExitCodes.OK : ExitCodes.DIFFERENCES;
        }
    }
}
