package dev.usageledger.cli.crs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.cli.Cli;
import dev.usageledger.cli.ExitCodes;
import dev.usageledger.cli.crs.CrsFixture.Cell;
import dev.usageledger.cli.crs.CrsFixture.Sums;
import dev.usageledger.cli.crs.CrsFixture.Truth;
import dev.usageledger.cli.crs.ReportLine.Cause;
import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.RedisClients;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.ProjectionBatch;
import dev.usageledger.projections.mysql.ProjectionWriter;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.stack.EmbeddedMariaDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * {@code ledger import-crs} against a real Redis and MariaDB: CRS data written by {@link CrsFixture} (with its ground
 * truth), imported, compared with that truth (not with the import's report of itself), imported again, dry-run and
 * removed, next to live events projected by the projection's own writer.
 */
class ImportCrsCommandIT {

    private static final CrsOffset OFFSET = CrsOffset.DEFAULT;
    private static TestDatabase database;
    private static RedisClient redis;
    private static String redisUri;
    private static Truth truth;
    private static Instant cutoff;
    private static Instant liveBeforeCutoff;

    @BeforeAll
    static void crsAndLiveLedger() {
        database = TestStack.migratedDatabase("cli_import_crs");
        redisUri = TestStack.get().redisUri() + "/9";
        redis = RedisClients.create(URI.create(redisUri), Duration.ofSeconds(10), 2, "import-crs-it");
        redis.flushDB();
        Instant now = Instant.now();
        truth = CrsFixture.write(redis, OFFSET, now, 15);
        cutoff = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        liveBeforeCutoff = cutoff.minus(Duration.ofMinutes(30));

        var registry = new SimpleMeterRegistry();
        ProjectionWriter writer = new ProjectionWriter(database.dataSource(), new BatchFold(new Buckets(ZoneOffset.UTC)),
                new TransactionRetry("import-crs-it", RetrySettings.DEFAULTS, registry), Clock.systemUTC(),
                new AtomicLong(1)::incrementAndGet, registry);
        writer.write(new ProjectionBatch("import-crs-it", "live-events", List.of(
                Events.usage("live_before_cutoff").at(liveBeforeCutoff).key(CrsFixture.keyId(0)).build(),
                Events.usage("live_after_cutoff").at(cutoff.plusSeconds(60)).key(CrsFixture.keyId(0)).build(),
                Events.usage("live_other_key").at(liveBeforeCutoff).key("key_live_only").build()),
                Map.of(), Map.of()));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    private static Cli importCrs(String... extra) {
        return importCrs(cutoff, extra);
    }

    private static Cli importCrs(Instant cutoff, String... extra) {
        List<String> args = new ArrayList<>(List.of("import-crs", "--redis-uri", redisUri, "--cutoff",
                cutoff.toString(), "--jdbc-url", database.jdbcUrl(), "--db-user", EmbeddedMariaDb.USER,
                "--db-password", EmbeddedMariaDb.PASSWORD));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void importsTheHistoryExactlyListsThePlantedDifferencesRerunsAsNoOpDryRunsAndRemovesOnlyTheBaseline(
            @TempDir Path reports) throws Exception {
        String importId = new CrsSource(URI.create(redisUri), "", OFFSET, cutoff).derivedId();
        List<String> live = checksums("usage_records, usage_stats, cost_stats, account_usage_stats, key_stats");
        assertThat(truth.redisKeys()).isGreaterThan(1000);

        Cli first = importCrs("--report-dir", reports.toString());

        assertThat(first.code()).as(first.toString()).isEqualTo(ExitCodes.OK);
        assertThat(first.err()).contains("import-crs: done, ").contains(" keys scanned, ").contains(" rows written in ")
                .contains("import " + importId + ": ");
        assertBaselineEqualsTheTruth(importId);
        assertThat(reportedCauses(first)).containsExactlyInAnyOrderElementsOf(planted());
        assertThat(first.err()).contains("import-crs: report: ").contains(" 0 unexplained");
        Path csv = reports.resolve("crs-import-" + importId + ".csv");
        assertThat(Files.readAllLines(csv)).hasSize(first.rows().size() + 1);
        String markdown = Files.readString(reports.resolve("crs-import-" + importId + ".md"));
        assertThat(markdown).contains("cutoff: " + cutoff)
                .contains("**Summary:** " + first.rows().size() + " differences, 0 unexplained");
        // Every key's and account's CRS day (a written, imported day total), with CRS's totals next to the baseline's.
        List<String> days = Files.readAllLines(reports.resolve("crs-import-" + importId + "-days.csv"));
        long writtenDays = truth.written().keySet().stream()
                .filter(c -> c.model() == null && c.granularity() == Granularity.DAY && imported(c)).count();
        assertThat(days).hasSize((int) writtenDays + 1);
        assertThat(markdown).contains("**Days compared** (every key's and account's CRS day, both totals in `crs-import-"
                + importId + "-days.csv`): " + writtenDays + ", ");
        Cell someDay = truth.written().keySet().stream()
                .filter(c -> c.kind().equals("key") && c.model() == null && c.granularity() == Granularity.DAY
                        && imported(c) && truth.written().get(c).legacyRequests == 0)
                .findFirst().orElseThrow();
        Sums sums = truth.written().get(someDay);
        assertThat(days).anySatisfy(line -> assertThat(line).startsWith("key," + someDay.subject() + ","
                + someDay.label() + "," + sums.requests + "," + sums.input + ","));

        List<String> baseline = checksums("crs_usage, crs_account_usage, crs_totals");
        Cli again = importCrs();
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.OK);
        assertThat(again.err()).contains(", 0 rows changed");
        assertThat(checksums("crs_usage, crs_account_usage, crs_totals")).isEqualTo(baseline);
        assertThat(again.rows()).isEqualTo(first.rows());

        // A dry run of another cutoff (another import): rows on stdout, nothing written, no database needed.
        List<String> imports = checksums("crs_imports");
        Cli dry = Cli.run("import-crs", "--redis-uri", redisUri, "--cutoff", cutoff.minus(Duration.ofDays(1)).toString(),
                "--dry-run", "--jdbc-url", "jdbc:mysql://127.0.0.1:1/none");
        assertThat(dry.code()).as(dry.toString()).isEqualTo(ExitCodes.OK);
        assertThat(dry.rows()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("crs_"));
        assertThat(dry.err()).contains("import-crs --dry-run: done, ").contains(" would write ");
        assertThat(checksums("crs_usage, crs_account_usage, crs_totals")).isEqualTo(baseline);
        assertThat(checksums("crs_imports")).isEqualTo(imports);

        Cli remove = Cli.run("import-crs", "--remove", importId, "--jdbc-url", database.jdbcUrl(), "--db-user",
                EmbeddedMariaDb.USER);
        assertThat(remove.code()).as(remove.toString()).isEqualTo(ExitCodes.OK);
        for (String table : BaselineSql.TABLES) {
            assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE import_id = '" + importId + "'"))
                    .as(table).isZero();
        }
        assertThat(checksums("usage_records, usage_stats, cost_stats, account_usage_stats, key_stats"))
                .isEqualTo(live);
        assertThat(count("SELECT COUNT(*) FROM usage_records")).isEqualTo(3);
        Cli removeAgain = Cli.run("import-crs", "--remove", importId, "--jdbc-url", database.jdbcUrl(), "--db-user",
                EmbeddedMariaDb.USER);
        assertThat(removeAgain.code()).as(removeAgain.toString()).isEqualTo(ExitCodes.DIFFERENCES);
    }

    @Test
    void aCutoffOffTheHourOrInTheFutureOrABadOffsetIsAUsageError() {
        Cli offTheHour = importCrs(cutoff.plusSeconds(1800));
        assertThat(offTheHour.code()).as(offTheHour.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(offTheHour.err()).contains("--cutoff: not on an hour boundary");
        Cli future = importCrs(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(2)));
        assertThat(future.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(future.err()).contains("in the future");
        assertThat(importCrs("--timezone-offset", "+5.5").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("import-crs", "--cutoff", cutoff.toString()).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(importCrs("--import-id", "no spaces").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aBucketWhoseModelsExceedItsTotalIsUnexplainedAndExitsOne() throws SQLException {
        // Under a prefix of its own: the other imports of this Redis never read these keys.
        String day = OFFSET.label(Granularity.DAY, cutoff.minus(Duration.ofDays(10)));
        String key = CrsFixture.keyId(900);
        redis.hset("bad:usage:daily:" + key + ":" + day, Map.of("requests", "5", "inputTokens", "500"));
        redis.hset("bad:usage:" + key + ":model:daily:gpt-5:" + day, Map.of("requests", "7", "inputTokens", "500",
                "realCostMicro", "100", "ratedCostMicro", "120"));
        String importId = new CrsSource(URI.create(redisUri), "bad:", OFFSET, cutoff).derivedId();
        try {
            Cli bad = importCrs("--key-prefix", "bad:");

            assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCodes.DIFFERENCES);
            assertThat(bad.rows()).contains(String.join("\t", "key", key, "day", day, "total", "requests", "5", "7",
                    Cause.UNEXPLAINED.name()));
            assertThat(bad.err()).contains(" 1 unexplained");
        } finally {
            assertThat(Cli.run("import-crs", "--remove", importId, "--jdbc-url", database.jdbcUrl(), "--db-user",
                    EmbeddedMariaDb.USER).code()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void anUnreachableRedisIsAFailureAndRecordsNoImport() throws SQLException {
        long imports = count("SELECT COUNT(*) FROM crs_imports");
        Cli unreachable = Cli.run("import-crs", "--redis-uri", "redis://127.0.0.1:1", "--cutoff", cutoff.toString(),
                "--jdbc-url", database.jdbcUrl(), "--db-user", EmbeddedMariaDb.USER);
        assertThat(unreachable.code()).as(unreachable.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unreachable.err()).contains("ledger import-crs: failed");
        assertThat(count("SELECT COUNT(*) FROM crs_imports")).isEqualTo(imports);
    }

    /** Every written, imported model hash is one baseline row with its values; the rows of a bucket sum to its total. */
    private static void assertBaselineEqualsTheTruth(String importId) throws SQLException {
        Map<String, long[]> rows = new HashMap<>();
        Map<String, BigDecimal[]> costs = new HashMap<>();
        Map<String, long[]> sums = new HashMap<>();
        for (String[] table : new String[][] {{"key", "crs_usage", "api_key_id", ", real_cost_usd, rated_cost_usd"},
                {"account", "crs_account_usage", "account_id", ", NULL, NULL"}}) {
            try (Connection c = database.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT granularity, bucket_start, " + table[2] + ", model, "
                            + String.join(", ", BaselineSql.MEASURES) + table[3] + " FROM " + table[1]
                            + " WHERE import_id = '" + importId + "'")) {
                while (rs.next()) {
                    Granularity g = Granularity.ofColumn(rs.getString(1));
                    String label = OFFSET.label(g, rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC));
                    long[] measures = new long[7];
                    for (int i = 0; i < 7; i++) {
                        measures[i] = rs.getLong(5 + i);
                    }
                    String model = rs.getString(4);
                    String bucket = table[0] + "|" + g + "|" + label + "|" + rs.getString(3);
                    rows.put(bucket + "|" + model, measures);
                    costs.put(bucket + "|" + model, new BigDecimal[] {rs.getBigDecimal(12), rs.getBigDecimal(13)});
                    sums.merge(bucket, measures, ImportCrsCommandIT::plus);
                }
            }
        }
        Set<String> expectedModelRows = new TreeSet<>();
        Set<String> expectedResidualRows = new TreeSet<>();
        Map<String, long[]> writtenModelSums = new HashMap<>();
        for (var e : truth.written().entrySet()) {
            Cell c = e.getKey();
            if (imported(c) && c.model() != null) {
                String bucket = c.kind() + "|" + c.granularity() + "|" + c.label() + "|" + c.subject();
                expectedModelRows.add(bucket + "|" + c.model());
                writtenModelSums.merge(bucket, e.getValue().measures(), ImportCrsCommandIT::plus);
                assertThat(rows.get(bucket + "|" + c.model())).as(c.toString()).containsExactly(e.getValue().measures());
                BigDecimal[] cost = costs.get(bucket + "|" + c.model());
                if (c.kind().equals("key") && e.getValue().legacyRequests == 0) {
                    assertThat(cost[0]).as(c.toString()).isEqualByComparingTo(micro(e.getValue().realMicro));
                    assertThat(cost[1]).as(c.toString()).isEqualByComparingTo(micro(e.getValue().ratedMicro));
                } else {
                    assertThat(cost).as(c.toString()).containsOnlyNulls();
                }
            }
        }
        int totals = 0;
        for (var e : truth.written().entrySet()) {
            Cell c = e.getKey();
            if (imported(c) && c.model() == null) {
                totals++;
                String bucket = c.kind() + "|" + c.granularity() + "|" + c.label() + "|" + c.subject();
                // The written total is what CRS counted of the simulated requests: every one of them.
                assertThat(e.getValue().measures()).isEqualTo(truth.simulated().get(c).measures());
                assertThat(sums.get(bucket)).as(c.toString()).containsExactly(e.getValue().measures());
                if (!Arrays.equals(writtenModelSums.get(bucket), e.getValue().measures())) {
                    expectedResidualRows.add(bucket + "|");
                }
            }
        }
        assertThat(totals).isGreaterThan(100);
        assertThat(expectedResidualRows).isNotEmpty();
        Set<String> allExpected = new TreeSet<>(expectedModelRows);
        allExpected.addAll(expectedResidualRows);
        assertThat(new TreeSet<>(rows.keySet())).isEqualTo(allExpected);
    }

    /** The report lines the fixture planted: kind|subject|granularity|bucket|cause. */
    private static Set<String> planted() {
        Set<String> out = new TreeSet<>();
        Map<String, long[]> innerSums = new HashMap<>();
        Map<String, long[]> modelSums = new HashMap<>();
        Map<String, Long> legacy = new HashMap<>();
        Map<String, long[]> modelCosts = new HashMap<>();
        for (var e : truth.written().entrySet()) {
            Cell c = e.getKey();
            if (!imported(c)) {
                continue;
            }
            String bucket = c.kind() + "|" + c.subject() + "|" + c.granularity().column() + "|" + c.label();
            if (c.model() != null) {
                modelSums.merge(bucket, e.getValue().measures(), ImportCrsCommandIT::plus);
                modelCosts.merge(bucket, new long[] {e.getValue().realMicro, e.getValue().ratedMicro},
                        ImportCrsCommandIT::plus);
                if (c.kind().equals("key") && e.getValue().realMicro == 0) {
                    legacy.merge(bucket, e.getValue().requests, Long::sum);
                }
            } else if (c.granularity() != Granularity.MONTH) {
                Granularity outer = c.granularity() == Granularity.HOUR ? Granularity.DAY : Granularity.MONTH;
                String outerLabel = OFFSET.label(outer, OFFSET.start(outer, label(outer, c)));
                innerSums.merge(c.kind() + "|" + c.subject() + "|" + outer.column() + "|" + outerLabel,
                        e.getValue().measures(), ImportCrsCommandIT::plus);
                if (OFFSET.label(outer, cutoff).equals(outerLabel) && OFFSET.start(outer, outerLabel).isBefore(cutoff)) {
                    out.add(c.kind() + "|" + c.subject() + "|" + outer.column() + "|" + outerLabel + "|"
                            + Cause.BUCKET_PAST_CUTOFF);
                }
            }
        }
        for (var e : truth.written().entrySet()) {
            Cell c = e.getKey();
            if (!imported(c) || c.model() != null || c.granularity() == Granularity.HOUR) {
                continue;
            }
            String bucket = c.kind() + "|" + c.subject() + "|" + c.granularity().column() + "|" + c.label();
            if (!Arrays.equals(innerSums.get(bucket), e.getValue().measures())) {
                out.add(bucket + "|" + (c.granularity() == Granularity.DAY ? Cause.EXPIRED_HOURLY_DETAIL
                        : Cause.EXPIRED_DAILY_DETAIL));
            }
            if (legacy.getOrDefault(bucket, 0L) > 0) {
                out.add(bucket + "|" + Cause.LEGACY_WITHOUT_COST);
            }
            long[] models = modelSums.get(bucket);
            if (models == null || models[0] < e.getValue().requests) {
                out.add(bucket + "|" + Cause.NO_MODEL_DETAIL);
            }
        }
        // The cost keys hold the unrounded sum of the requests CRS priced: beyond its rounding to micro-USD per request,
        // they differ from the model hashes' costs only where those hashes expired sooner than the key's total.
        for (var e : truth.writtenCostKeys().entrySet()) {
            Cell c = e.getKey();
            if (!imported(c)) {
                continue;
            }
            String bucket = c.kind() + "|" + c.subject() + "|" + c.granularity().column() + "|" + c.label();
            long[] base = modelCosts.getOrDefault(bucket, new long[2]);
            BigDecimal rounding = new BigDecimal("0.000001").multiply(BigDecimal.valueOf(e.getValue().requests));
            boolean ratedDiffers = e.getValue().ratedUsd.subtract(micro(base[1])).abs().compareTo(rounding) > 0;
            boolean realDiffers = c.granularity() == Granularity.DAY
                    && e.getValue().realUsd.subtract(micro(base[0])).abs().compareTo(rounding) > 0;
            long[] models = modelSums.get(bucket);
            if ((ratedDiffers || realDiffers) && (models == null || models[0] < e.getValue().requests)) {
                out.add(bucket + "|" + Cause.NO_MODEL_DETAIL);
            } else if (ratedDiffers || realDiffers) {
                out.add(bucket + "|" + Cause.UNEXPLAINED);
            }
        }
        out.add("key|" + CrsFixture.keyId(0) + "||" + liveBeforeCutoff + ".." + liveBeforeCutoff + "|"
                + Cause.POSSIBLE_OVERLAP);
        return out;
    }

    private static String label(Granularity outer, Cell inner) {
        return OFFSET.label(outer, OFFSET.start(inner.granularity(), inner.label()));
    }

    private static Set<String> reportedCauses(Cli cli) {
        Set<String> out = new TreeSet<>();
        for (String row : cli.rows()) {
            String[] f = row.split("\t", -1);
            out.add(String.join("|", f[0], f[1], f[2], f[3], f[8]));
        }
        return out;
    }

    private static boolean imported(Cell c) {
        return !OFFSET.end(c.granularity(), OFFSET.start(c.granularity(), c.label())).isAfter(cutoff);
    }

    private static long[] plus(long[] a, long[] b) {
        long[] sum = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private static BigDecimal micro(long micro) {
        return BigDecimal.valueOf(micro, 6);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> checksums(String tables) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("CHECKSUM TABLE " + tables)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return out;
    }
}
