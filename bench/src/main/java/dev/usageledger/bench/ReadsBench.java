package dev.usageledger.bench;

import dev.usageledger.projections.mysql.ProjectionSql;
import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.Progress;
import dev.usageledger.stack.RepoLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code reads} scenario: stats-api (its packaged jar, the heap it ships with) over a bulk-loaded data set
 * ({@link ReadsLedger}), each read timed over HTTP as an analyst would call it — one key's daily
 * series over the whole range, all traffic's hourly series by model over 7 days, the top 20 keys of a calendar month
 * and of an arbitrary 30 days, ledger pages deep in the range, and the ledger's CSV of about a million rows — and
 * reported as p50/p99 against the targets. Each answer is checked against SQL over the ledger. On the
 * embedded MariaDB the server's own plan of every statement stats-api ran is written to {@code reads-plans.txt}
 * (slow log with {@code long_query_time = 0} and {@code log_slow_verbosity = explain}, during one extra call each).
 */
final class ReadsBench {

    /** The scenario's settings: the data set, and the timed calls per read. */
    record Settings(long rows, int days, int keys, int models, int accounts, int samples, int deepPages,
            int operateDays) {}

    private static final String TOKEN = "bench-reads-analyst-token-0001";
    /**
     * Untimed calls before the timed ones: a fresh stats-api answers its first calls of a read 10–30× slower than
     * warm (JIT), which is start-up, not the read; the first call is reported on its own.
     */
    private static final int WARMUP = 30;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ReadsBench() {}

    static Findings run(BenchContext ctx, Settings s, boolean embedded, Path out) throws Exception {
        Findings f = new Findings();
        String database = "bench_reads_" + ctx.runId();
        ctx.dbs().recreateWithSchema(database);
        Instant end = ctx.now().truncatedTo(ChronoUnit.DAYS);
        ReadsLedger ledger = new ReadsLedger(s.rows(), s.days(), s.keys(), s.models(), s.accounts(), end);
        Duration loading = ledger.load(ctx.dbs(), database, ctx.mix().seed());
        f.note(String.format(Locale.ROOT, "reads: %,d ledger rows over %d days, %,d keys (skewed), %d models, %d accounts,"
                        + " %,d stats rows, loaded in %.0f s; server: %s", s.rows(), s.days(), s.keys(), s.models(),
                s.accounts(), statsRows(ctx.dbs(), database), loading.toNanos() / 1e9, serverSettings(ctx.dbs())));
        Path planLog = embedded ? preparePlanLog(ctx) : null;
        int port = Ports.freePort();
        try (JavaProcess statsApi = start(ctx, database, port)) {
            statsApi.waitForPort(port, Duration.ofSeconds(120));
            Reads reads = new Reads(port);
            Instant start = ledger.start();
            YearMonth month = YearMonth.from(LocalDateTime.ofInstant(end, ZoneOffset.UTC)).minusMonths(1);
            Instant monthFrom = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant monthTo = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant arbitraryTo = end.minus(Duration.ofHours(5).plusMinutes(17).plusMillis(250));
            Instant arbitraryFrom = arbitraryTo.minus(Duration.ofDays(30));

            IntFunction<String> keyDaily = i -> "/v1/stats/series?granularity=day&from=" + start + "&to=" + end
                    + "&apiKeyId=" + ReadsLedger.key(i % 20);
            time(f, reads, s, "one key's daily series over " + s.days() + " days", 50, keyDaily);
            time(f, reads, s, "all traffic's hourly series by model over 7 days", 100,
                    i -> "/v1/stats/series?granularity=hour&groupBy=model&from=" + end.minus(Duration.ofDays(7))
                            + "&to=" + end);
            time(f, reads, s, "top 20 keys over calendar month " + month, 250,
                    i -> "/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=20&from=" + monthFrom + "&to=" + monthTo);
            time(f, reads, s, "top 20 keys over an arbitrary 30 days", 1000,
                    i -> "/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=20&from=" + arbitraryFrom + "&to="
                            + arbitraryTo);
            deepLedgerPages(f, reads, s, start, end);
            csv(f, reads, ctx, database, ledger, statsApi);

            check(f, ctx, database, reads, keyDaily.apply(0), ReadsLedger.key(0), start, end);
            checkTop(f, ctx, database, reads, monthFrom, monthTo);
            checkUnpriced(f, ctx, database, reads, end.minus(Duration.ofDays(7)), end);
            if (planLog != null) {
                plans(f, ctx, database, reads, planLog, out, List.of(keyDaily.apply(1),
                        "/v1/stats/series?granularity=hour&groupBy=model&from=" + end.minus(Duration.ofDays(7)) + "&to="
                                + end,
                        "/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=20&from=" + monthFrom + "&to=" + monthTo,
                        "/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=20&from=" + arbitraryFrom + "&to="
                                + arbitraryTo,
                        "/v1/ledger?limit=100&from=" + start + "&to=" + end));
            }
        }
        if (s.operateDays() > 0) {
            OperateBench.run(f, ctx, database, end.minus(Duration.ofDays(Math.min(s.operateDays(), s.days()))), end);
        }
        return f;
    }

    private static JavaProcess start(BenchContext ctx, String database, int port) throws IOException {
        return JavaProcess.builder("stats-api")
                .jar(RepoLayout.find().require("stats-api/target/stats-api-exec.jar"))
                .jvmArgs(AppJvmArgs.STATS_API.toArray(String[]::new))
                .args("--server.port=" + port, "--spring.datasource.url=" + ctx.dbs().url(database),
                        "--spring.datasource.username=" + ctx.dbs().user(),
                        "--spring.datasource.password=" + ctx.dbs().password(),
                        "--ledger.security.analyst-tokens=bench:" + TOKEN, "--ledger.reporting.zone=UTC")
                .logFile(ctx.logs().resolve("stats-api-reads.log"))
                .start();
    }

    /**
     * {@code samples} timed calls of {@code path(i)} after {@link #WARMUP} untimed ones; p50 and p99 reported, and the
     * first call's time.
     */
    private static void time(Findings f, Reads reads, Settings s, String name, double targetMs,
            IntFunction<String> path) throws IOException, InterruptedException {
        long cold = System.nanoTime();
        reads.json(path.apply(0));
        f.figure("reads first call: " + name, (System.nanoTime() - cold) / 1e6, Double.NaN, "ms");
        for (int i = 1; i < WARMUP; i++) {
            reads.json(path.apply(i));
        }
        long[] nanos = new long[s.samples()];
        try (Progress progress = Progress.onStderr("reads: " + name, s.samples())) {
            for (int i = 0; i < s.samples(); i++) {
                long t0 = System.nanoTime();
                reads.json(path.apply(i));
                nanos[i] = System.nanoTime() - t0;
                progress.advance(1);
            }
        }
        report(f, name, nanos, targetMs);
    }

    private static void report(Findings f, String name, long[] nanos, double targetMs) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double p50 = sorted[(sorted.length - 1) / 2] / 1e6;
        double p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6;
        f.figure("reads p50: " + name, p50, Double.NaN, "ms");
        f.limit("reads p99: " + name, p99, targetMs, "ms");
    }

    /**
     * Walks the ledger from the start of the range with pages of 1,000 (untimed, to get deep), then times
     * {@code samples} pages of 100 from there, each following the previous one's cursor.
     */
    private static void deepLedgerPages(Findings f, Reads reads, Settings s, Instant from, Instant to)
            throws IOException, InterruptedException {
        String base = "/v1/ledger?from=" + from + "&to=" + to;
        String cursor = null;
        try (Progress progress = Progress.onStderr("reads: walking the ledger to depth", s.deepPages() * 1000L)) {
            for (int page = 0; page < s.deepPages(); page++) {
                cursor = nextCursor(reads.json(base + "&limit=1000" + (cursor == null ? "" : "&cursor=" + enc(cursor))));
                progress.advance(1000);
            }
        }
        long[] nanos = new long[s.samples()];
        for (int i = 0; i < s.samples(); i++) {
            long t0 = System.nanoTime();
            cursor = nextCursor(reads.json(base + "&limit=100&cursor=" + enc(cursor)));
            nanos[i] = System.nanoTime() - t0;
        }
        report(f, String.format(Locale.ROOT, "a ledger page of 100 at depth %,d", s.deepPages() * 1000L), nanos, 20);
    }

    private static final Pattern NEXT_CURSOR = Pattern.compile("\"nextCursor\":\"([^\"]+)\"");

    private static String nextCursor(String json) {
        Matcher m = NEXT_CURSOR.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("the ledger ended before the walk's depth: " + json.substring(0,
                    Math.min(200, json.length())));
        }
        return m.group(1);
    }

    /**
     * The ledger's CSV over the last days holding about a million rows (fewer when the set is smaller), streamed and
     * counted: rows per second, and stats-api's peak RSS; the line count must equal the ledger's rows.
     */
    private static void csv(Findings f, Reads reads, BenchContext ctx, String database, ReadsLedger ledger,
            JavaProcess statsApi) throws Exception {
        long perDay = Math.max(1, ledger.rows / ledger.days);
        int days = (int) Math.max(1, Math.min(ledger.days, Math.round(1_000_000.0 / perDay)));
        Instant from = ledger.end.minus(Duration.ofDays(days));
        long expected = count(ctx, database, "SELECT COUNT(*) FROM usage_records WHERE occurred_at >= ? AND occurred_at < ?",
                from, ledger.end);
        long t0 = System.nanoTime();
        long lines = reads.csvLines("/v1/ledger?format=csv&from=" + from + "&to=" + ledger.end) - 1;
        double seconds = (System.nanoTime() - t0) / 1e9;
        f.ratio(String.format(Locale.ROOT, "reads: ledger CSV of %,d rows, rows/s", lines), lines / seconds, 100_000,
                "rows/s");
        f.figure("reads: stats-api peak RSS (" + String.join(" ", AppJvmArgs.STATS_API) + ")",
                statsApi.peakRssBytes() / 1e6, Double.NaN, "MB");
        f.check("reads: the ledger CSV has every row of its range", lines == expected,
                String.format(Locale.ROOT, "%,d lines, %,d rows in the ledger", lines, expected));
    }

    /** One key's daily series total equals the ledger's requests and rated cost (with adjustments) for it. */
    private static void check(Findings f, BenchContext ctx, String database, Reads reads, String path, String key,
            Instant from, Instant to) throws Exception {
        String json = reads.json(path);
        long requests = count(ctx, database, "SELECT COUNT(*) FROM usage_records WHERE api_key_id = '" + key
                + "' AND occurred_at >= ? AND occurred_at < ?", from, to);
        BigDecimal rated = rated(ctx, database, key, from, to);
        String totals = json.substring(json.indexOf("\"totals\""));
        boolean ok = totals.contains("\"requests\":" + requests + ",")
                && totals.contains("\"ratedCostUsd\":\"" + rated.stripTrailingZeros().toPlainString() + "\"");
        f.check("reads: " + key + "'s daily series totals = the ledger's", ok,
                String.format(Locale.ROOT, "ledger %,d requests, rated %s; answer %s", requests, rated.toPlainString(),
                        totals.substring(0, Math.min(totals.length(), 300))));
    }

    /** All traffic's hourly series counts the ledger's requests and unpriced requests of its range. */
    private static void checkUnpriced(Findings f, BenchContext ctx, String database, Reads reads, Instant from,
            Instant to) throws Exception {
        String json = reads.json("/v1/stats/series?granularity=hour&from=" + from + "&to=" + to);
        long requests = count(ctx, database, "SELECT COUNT(*) FROM usage_records WHERE occurred_at >= ? "
                + "AND occurred_at < ?", from, to);
        long unpriced = count(ctx, database, "SELECT COUNT(*) FROM usage_records WHERE occurred_at >= ? "
                + "AND occurred_at < ? AND pricing_source = 'unpriced'", from, to);
        String totals = json.substring(json.indexOf("\"totals\""));
        boolean ok = unpriced > 0 && totals.contains("\"requests\":" + requests + ",")
                && totals.contains("\"unpricedRequests\":" + unpriced + "}");
        f.check("reads: all traffic's hourly series counts the ledger's requests and unpriced requests", ok,
                String.format(Locale.ROOT, "ledger %,d requests, %,d unpriced; answer %s", requests, unpriced,
                        totals.substring(0, Math.min(totals.length(), 300))));
    }

    /** The month's top key and its rated cost equal the ledger's. */
    private static void checkTop(Findings f, BenchContext ctx, String database, Reads reads, Instant from, Instant to)
            throws Exception {
        String json = reads.json("/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=1&from=" + from + "&to=" + to);
        String topKey = null;
        BigDecimal topRated = null;
        try (Connection c = ctx.dbs().connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT api_key_id, SUM(rated) FROM (SELECT api_key_id, rated_cost_usd AS rated FROM usage_records"
                        + " WHERE occurred_at >= ? AND occurred_at < ? UNION ALL SELECT api_key_id, rated_cost_usd"
                        + " FROM cost_adjustments WHERE occurred_at >= ? AND occurred_at < ?) t GROUP BY api_key_id"
                        + " ORDER BY SUM(rated) DESC, api_key_id LIMIT 1")) {
            for (int p = 1; p <= 3; p += 2) {
                ps.setObject(p, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(p + 1, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    topKey = rs.getString(1);
                    topRated = rs.getBigDecimal(2);
                }
            }
        }
        boolean ok = topKey != null && json.contains("\"group\":\"" + topKey + "\"")
                && json.contains("\"ratedCostUsd\":\"" + topRated.stripTrailingZeros().toPlainString() + "\"");
        f.check("reads: the month's top key and its rated cost = the ledger's", ok,
                "ledger " + topKey + " " + topRated + "; answer " + json.substring(0, Math.min(json.length(), 300)));
    }

    private static BigDecimal rated(BenchContext ctx, String database, String key, Instant from, Instant to)
            throws SQLException {
        try (Connection c = ctx.dbs().connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT (SELECT COALESCE(SUM(rated_cost_usd), 0) FROM usage_records WHERE api_key_id = ?"
                        + " AND occurred_at >= ? AND occurred_at < ?) + (SELECT COALESCE(SUM(rated_cost_usd), 0)"
                        + " FROM cost_adjustments WHERE api_key_id = ? AND occurred_at >= ? AND occurred_at < ?)")) {
            for (int p = 1; p <= 4; p += 3) {
                ps.setString(p, key);
                ps.setObject(p + 1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(p + 2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private static long count(BenchContext ctx, String database, String sql, Instant from, Instant to)
            throws SQLException {
        try (Connection c = ctx.dbs().connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long statsRows(Databases dbs, String database) throws SQLException {
        long total = 0;
        try (Connection c = dbs.connect(database); Statement s = c.createStatement()) {
            for (ProjectionSql.StatsTable table : ProjectionSql.StatsTable.values()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table.table())) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total;
    }

    private static String serverSettings(Databases dbs) throws SQLException {
        try (Connection c = dbs.connect("information_schema"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT VERSION(), @@innodb_buffer_pool_size, @@innodb_flush_log_at_trx_commit")) {
            rs.next();
            return String.format(Locale.ROOT, "%s, innodb_buffer_pool_size %d MB, innodb_flush_log_at_trx_commit %s",
                    rs.getString(1), rs.getLong(2) >> 20, rs.getString(3));
        }
    }

    /**
     * Readies MariaDB's general log (every statement as the server received it, with its literals: Connector/J sends
     * client-side prepared statements), still switched off; {@link #plans} switches it on for a few calls.
     */
    private static Path preparePlanLog(BenchContext ctx) throws SQLException, IOException {
        try (Connection c = ctx.dbs().connect("information_schema"); Statement s = c.createStatement()) {
            Path log;
            try (ResultSet rs = s.executeQuery("SELECT @@datadir")) {
                rs.next();
                log = Path.of(rs.getString(1)).resolve("bench-reads-statements.log");
            }
            Files.deleteIfExists(log);
            s.execute("SET GLOBAL general_log = 0");
            s.execute("SET GLOBAL log_output = 'FILE'");
            s.execute("SET GLOBAL general_log_file = '" + log + "'");
            return log;
        }
    }

    private static final Pattern LOGGED_SELECT =
            Pattern.compile("Query\\t(SELECT .*FROM (?:usage_|cost_|account_|key_stats|model_stats).*)$");

    /**
     * The server's plan of every statement one call of each {@code paths} runs: the general log readied by
     * {@link #preparePlanLog} switched on for those calls only, then {@code EXPLAIN} of each logged read, written with
     * the statement to {@code reads-plans.txt}.
     */
    private static void plans(Findings f, BenchContext ctx, String database, Reads reads, Path log, Path out,
            List<String> paths) throws Exception {
        try (Connection c = ctx.dbs().connect("information_schema"); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL general_log = 1");
            try {
                for (String path : paths) {
                    reads.json(path);
                }
            } finally {
                s.execute("SET GLOBAL general_log = 0");
            }
        }
        StringBuilder text = new StringBuilder();
        try (Connection c = ctx.dbs().connect(database); Statement s = c.createStatement()) {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LOGGED_SELECT.matcher(line);
                if (!m.find()) {
                    continue;
                }
                text.append(m.group(1)).append('\n');
                try (ResultSet rs = s.executeQuery("EXPLAIN " + m.group(1))) {
                    int columns = rs.getMetaData().getColumnCount();
                    for (int i = 1; i <= columns; i++) {
                        text.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i));
                    }
                    text.append('\n');
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            text.append(i == 1 ? "" : " | ").append(rs.getString(i));
                        }
                        text.append('\n');
                    }
                }
                text.append('\n');
            }
        }
        Files.createDirectories(out);
        Path plans = out.resolve("reads-plans.txt");
        Files.writeString(plans, text);
        f.note("reads: EXPLAIN of every read statement stats-api ran for one call of each read: " + plans);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** GETs against stats-api with the analyst token; a non-200 answer fails the scenario. */
    private record Reads(int port) {

        String json(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        }

        long csvLines(String path) throws IOException, InterruptedException {
            HttpResponse<InputStream> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            long lines = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8),
                    1 << 16)) {
                while (in.readLine() != null) {
                    lines++;
                }
            }
            return lines;
        }

        private HttpRequest request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofMinutes(5)).build();
        }
    }
}
