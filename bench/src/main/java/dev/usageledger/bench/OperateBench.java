package dev.usageledger.bench;

import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.RepoLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The operator CLI over the {@code reads} scenario's data set (issue #14): {@code ledger verify} over the set's last
 * days, then three stats cells corrupted by hand, {@code ledger rebuild} over the same days, and {@code verify} again.
 * Each runs as an operator runs it: the packaged jar in its own JVM, its progress on the bench's stderr. Rates are
 * ledger rows of the range per second of wall-clock time, the JVM's start included.
 */
final class OperateBench {

    private static final Duration TIMEOUT = Duration.ofHours(2);

    private OperateBench() {}

    /** One command's run: its exit code, what it printed on stdout, how long it took. */
    private record Run(int exitCode, String stdout, double seconds) {}

    static void run(Findings f, BenchContext ctx, String database, Instant from, Instant to)
            throws IOException, InterruptedException, SQLException {
        long rows = ledgerRows(ctx, database, from, to);
        Run verified = cli(ctx, database, "verify", from, to);
        f.check("operate: ledger verify finds the loaded set consistent (exit 0)", verified.exitCode() == 0,
                "exit " + verified.exitCode() + "; " + firstLines(verified.stdout()));
        f.figure(String.format(Locale.ROOT, "operate: ledger verify, %,d ledger rows, rows/s", rows),
                rows / verified.seconds(), Double.NaN, "rows/s");

        List<String> corrupted = corrupt(ctx, database, from);
        Run rebuilt = cli(ctx, database, "rebuild", from, to);
        boolean listsThem = corrupted.stream().allMatch(rebuilt.stdout()::contains)
                && rebuilt.stdout().lines().count() == 1 + corrupted.size();
        f.check("operate: ledger rebuild changes exactly the corrupted cells", rebuilt.exitCode() == 0 && listsThem,
                "exit " + rebuilt.exitCode() + "; expected " + corrupted + "; got " + firstLines(rebuilt.stdout()));
        f.figure(String.format(Locale.ROOT, "operate: ledger rebuild, %,d ledger rows, rows/s", rows),
                rows / rebuilt.seconds(), Double.NaN, "rows/s");

        Run after = cli(ctx, database, "verify", from, to);
        f.check("operate: ledger verify after the rebuild (exit 0)", after.exitCode() == 0,
                "exit " + after.exitCode() + "; " + firstLines(after.stdout()));
    }

    /**
     * Adds to one cell of the key rollup, of {@code usage_stats} and of {@code cost_stats} (the first stored row of a
     * bucket on the range's second or third day); returns each cell's report line up to its values
     * ({@code table granularity bucket key model measure}).
     */
    private static List<String> corrupt(BenchContext ctx, String database, Instant from) throws SQLException {
        LocalDateTime day = LocalDateTime.ofInstant(from, ZoneOffset.UTC).plusDays(1);
        LocalDateTime hour = day.plusDays(1).plusHours(5);
        List<String> cells = new ArrayList<>();
        try (Connection c = ctx.dbs().connect(database)) {
            cells.add(corruptOne(c, "key_stats", "day", day, "''", "requests", "1"));
            cells.add(corruptOne(c, "usage_stats", "hour", hour, "model", "input_tokens", "5"));
            cells.add(corruptOne(c, "cost_stats", "day", day, "model", "rated_cost_usd", "0.01"));
        }
        return cells;
    }

    private static String corruptOne(Connection c, String table, String granularity, LocalDateTime bucket,
            String model, String column, String delta) throws SQLException {
        String where = " WHERE granularity = '" + granularity + "' AND bucket_start = '" + bucket + "'";
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT api_key_id, " + model + " FROM " + table + where
                        + " ORDER BY api_key_id LIMIT 1")) {
            if (!rs.next()) {
                throw new IllegalStateException("no " + table + " row of " + granularity + " " + bucket + " to corrupt");
            }
            String key = rs.getString(1);
            String modelValue = rs.getString(2);
            String row = where + " AND api_key_id = '" + key + "'"
                    + (model.equals("''") ? "" : " AND model = '" + modelValue + "'");
            try (Statement u = c.createStatement()) {
                u.executeUpdate("UPDATE " + table + " SET " + column + " = " + column + " + " + delta + row);
            }
            return String.join("\t", table, granularity, bucket + ":00Z", key, modelValue,
                    column);
        }
    }

    /** Runs {@code ledger <command> --from --to} on the database; stdout kept, stderr (progress) passed through. */
    private static Run cli(BenchContext ctx, String database, String command, Instant from, Instant to)
            throws IOException, InterruptedException {
        Path jar = RepoLayout.find().require("ledger-cli/target/ledger-cli-exec.jar");
        Path stdout = ctx.logs().resolve("ledger-" + command + "-" + System.nanoTime() + ".out");
        ProcessBuilder builder = new ProcessBuilder(JavaProcess.javaExecutable().toString(), "-jar", jar.toString(),
                command, "--from", from.toString(), "--to", to.toString(), "--zone", "UTC",
                "--jdbc-url", ctx.dbs().url(database), "--db-user", ctx.dbs().user())
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", ctx.dbs().password());
        long t0 = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("ledger " + command + " ran longer than " + TIMEOUT);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), seconds);
    }

    private static long ledgerRows(BenchContext ctx, String database, Instant from, Instant to) throws SQLException {
        try (Connection c = ctx.dbs().connect(database); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM usage_records WHERE occurred_at >= '"
                        + LocalDateTime.ofInstant(from, ZoneOffset.UTC) + "' AND occurred_at < '"
                        + LocalDateTime.ofInstant(to, ZoneOffset.UTC) + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String firstLines(String text) {
        return text.lines().limit(6).reduce((a, b) -> a + " | " + b).orElse("(nothing on stdout)");
    }
}
