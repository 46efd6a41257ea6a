package dev.usageledger.cli.crs;

import dev.usageledger.cli.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * One run of {@code ledger import-crs}: SCAN CRS's Redis ({@link CrsScanner}), write each page's rows into the
 * baseline tables ({@link BaselineWriter}), add the rows of usage without model detail, record the run
 * ({@link BaselineImports}), then verify the baseline read back from MySQL ({@link ImportReport}). Idempotent: the same
 * import again upserts identical values and reports 0 rows changed. A dry run reads Redis the same way and writes
 * nothing anywhere.
 */
public final class CrsImport {

    /** What a run did; {@code unexplained}: differences of the report no cause explains. */
    public record Result(CrsScanner.Counts counts, long rowsChanged, long differences, long unexplained) {}

    /** The dry run's columns, one row per value read. */
    public static final String DRY_RUN_HEADER = "table\tgranularity\tbucket_start\tsubject\tmodel\trequests"
            + "\tinput_tokens\toutput_tokens\tcache_create_tokens\tcache_read_tokens\tephemeral_5m_tokens"
            + "\tephemeral_1h_tokens\treal_cost_usd\trated_cost_usd";

    private final UnifiedJedis redis;
    private final DataSource dataSource;
    private final CrsSource source;
    private final String importId;
    private final Clock clock;

    /** {@code dataSource}: reports affected rows ({@code useAffectedRows=true}); null for a dry run. */
    public CrsImport(UnifiedJedis redis, DataSource dataSource, CrsSource source, String importId, Clock clock) {
        this.redis = redis;
        this.dataSource = dataSource;
        this.source = source;
        this.importId = importId;
        this.clock = clock;
    }

    public CrsScanner.Counts dryRun(Consumer<String> rows, PrintWriter err) throws SQLException {
        Progress progress = scanProgress("import-crs --dry-run", redis.dbSize(), err);
        CrsScanner.Counts counts = scanner().scan(page -> page.forEach(r -> rows.accept(describe(r))), progress);
        progress.finish();
        err.printf("import-crs --dry-run: import %s would write %d values (%d key-and-model hashes without cost); "
                + "%d keys of other shapes, %d of buckets past the cutoff skipped%n", importId, counts.rowsRead(),
                counts.costUnknown(), counts.keysSkipped(), counts.keysAfterCutoff());
        return counts;
    }

    public Result run(Consumer<ReportLine> lines, Path reportDir, PrintWriter err) throws SQLException {
        Instant now = clock.instant();
        long keysInRedis = redis.dbSize(); // Redis answers before anything is recorded.
        BaselineImports imports = new BaselineImports(dataSource);
        imports.start(importId, source, now);
        long before = BaselineWriter.rowCount(dataSource, importId);
        BaselineWriter writer = new BaselineWriter(dataSource, importId);
        Progress progress = scanProgress("import-crs", keysInRedis, err);
        CrsScanner.Counts counts = scanner().scan(writer::write, progress);
        writer.writeResiduals();
        progress.finish();
        long changed = writer.changed(writer.rowCount() - before);
        imports.finish(importId, clock.instant(), counts.keysScanned(), changed);
        err.printf("import-crs: import %s: %d values read, %d rows changed (%d key-and-model hashes without cost); "
                + "%d keys of other shapes, %d of buckets past the cutoff skipped%n", importId, counts.rowsRead(),
                changed, counts.costUnknown(), counts.keysSkipped(), counts.keysAfterCutoff());

        List<String> parameters = List.of("import id: " + importId, "source: " + source.safeUri(),
                "key prefix: '" + source.keyPrefix() + "'", "CRS offset: " + source.offset(),
                "cutoff: " + source.cutoff(), "read at: " + now, "rows changed by this run: " + changed);
        try (ReportFiles files = new ReportFiles(reportDir, importId, parameters)) {
            new ImportReport(dataSource, importId, source.offset(), source.cutoff(), now).run(line -> {
                files.accept(line);
                lines.accept(line);
            }, files::day);
            String summary = files.summary();
            err.println("import-crs: report: " + summary);
            long unexplained = files.count(ReportLine.Cause.UNEXPLAINED);
            return new Result(counts, changed, files.total(), unexplained);
        }
    }

    /** Keys scanned of {@code keysInRedis} (DBSIZE) and rows written, with the rate of both. */
    private static Progress scanProgress(String command, long keysInRedis, PrintWriter err) {
        return Progress.withBothRates(command, keysInRedis, "keys scanned", "rows written", "rows/s", err,
                System::nanoTime);
    }

    /** A dry-run row: the table it would go to, its key and its values. */
    public static String describe(BaselineRow row) {
        CrsKey k = row.key();
        String table = switch (k.kind()) {
            case KEY_MODEL -> BaselineSql.KEY_USAGE;
            case ACCOUNT_MODEL -> BaselineSql.ACCOUNT_USAGE;
            default -> BaselineSql.TOTALS;
        };
        StringBuilder line = new StringBuilder(String.join("\t", table, k.granularity().column(),
                row.bucketStart().toString(), k.subjectId(), k.model() == null ? "" : k.model()));
        CrsMeasures m = row.measures();
        if (m == null) {
            String dollars = row.dollars().toPlainString();
            line.append("\t\t\t\t\t\t\t\t").append(k.kind() == CrsKey.Kind.KEY_REAL_COST ? dollars + "\t" : "\t" + dollars);
            return line.toString();
        }
        for (long v : new long[] {m.requests(), m.inputTokens(), m.outputTokens(), m.cacheCreateTokens(),
                m.cacheReadTokens(), m.ephemeral5mTokens(), m.ephemeral1hTokens()}) {
            line.append('\t').append(v);
        }
        return line.append('\t').append(m.realCostUsd() == null ? "" : m.realCostUsd().toPlainString())
                .append('\t').append(m.ratedCostUsd() == null ? "" : m.ratedCostUsd().toPlainString()).toString();
    }

    private CrsScanner scanner() {
        return new CrsScanner(redis, new CrsKeys(source.keyPrefix()), source.offset(), source.cutoff());
    }
}
