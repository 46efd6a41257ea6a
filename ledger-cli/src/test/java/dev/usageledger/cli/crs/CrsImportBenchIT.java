package dev.usageledger.cli.crs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.limits.RedisClients;
import dev.usageledger.stack.EmbeddedMariaDb;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The import's rate and memory on many keys: 5,000 in every build, as many as asked for with
 * {@code -Dit.test=CrsImportBenchIT -Dcrs.bench.keys=1000000}. Writes that many CRS keys into Redis
 * ({@link CrsFixture#writeMany}), runs {@code ledger-cli-exec.jar import-crs} in a JVM of its own with {@code -Xmx256m}
 * and a GC log, and prints the command's closing progress line and the peak heap the GC log shows.
 */
class CrsImportBenchIT {

    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    @Test
    void importsManyKeysInBoundedMemory() throws Exception {
        long keys = Long.getLong("crs.bench.keys", 5_000);
        TestDatabase database = TestStack.migratedDatabase("cli_import_crs_bench");
        String redisUri = TestStack.get().redisUri() + "/10";
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        long written;
        try (RedisClient redis = RedisClients.create(URI.create(redisUri), Duration.ofSeconds(30), 2, "bench")) {
            redis.flushDB();
            written = CrsFixture.writeMany(redis, CrsOffset.DEFAULT, now, keys);
        }
        System.out.printf("crs bench: %d keys written in %.1f s%n", written, (System.nanoTime() - t0) / 1e9);

        Path work = TestStack.newDataDir("crs-bench-");
        Path gcLog = work.resolve("gc.log");
        Path err = work.resolve("stderr.txt");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xlog:gc:file=" + gcLog, "-jar", Path.of("target", "ledger-cli-exec.jar").toString(),
                "import-crs", "--redis-uri", redisUri,
                "--cutoff", now.truncatedTo(ChronoUnit.HOURS).toString(), "--jdbc-url", database.jdbcUrl(),
                "--db-user", EmbeddedMariaDb.USER, "--db-password", EmbeddedMariaDb.PASSWORD,
                "--report-dir", work.resolve("report").toString()))
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.MINUTES)).isTrue();
        String stderr = Files.readString(err);
        System.out.println(stderr);
        assertThat(process.exitValue()).as(stderr).isEqualTo(0);
        assertThat(stderr).contains("import-crs: done, " + written + " keys scanned");
        long[] peak = peakHeap(gcLog);
        System.out.printf("crs bench: peak heap %d MB before GC, %d MB after GC (-Xmx256m)%n", peak[0], peak[1]);
    }

    /** The largest heap the GC log shows in use before and after a collection, in MB. */
    private static long[] peakHeap(Path gcLog) throws IOException {
        long before = 0;
        long after = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
        }
        return new long[] {before, after};
    }
}
