package dev.usageledger.bench;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.LimitScripts;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.limits.RedisLimiter;
import dev.usageledger.limits.UsdUnits;
import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.Progress;
import dev.usageledger.stack.RepoLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Admission (issue #4): admissions/s and p50/p99 latency of (a) {@link RedisLimiter#admit} called directly by
 * N threads, (b) {@code POST /v1/admissions} on a relay-api process with N HTTP clients, and (c) redis-benchmark
 * running the same admit script by {@code EVALSHA} with N connections, when {@code redis-benchmark} is on PATH.
 * Every admission is allowed (limits far above the load, no concurrency limit), so every call does the full
 * script: the quota and window reads and the window increment.
 */
final class AdmissionBench {

    private static final String RELAY = "bench-relay";
    private static final String RELAY_TOKEN = "bench-relay-token-0123456789abcdef";
    private static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
    /** Far above any load: every admission is allowed and does the whole script. */
    static final KeyLimits LIMITS = new KeyLimits(60, 1_000_000_000_000L, 0, BigDecimal.ZERO, 0, 0,
            new BigDecimal("1000000"), BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, false);
    private static final String LIMITS_JSON = "{\"windowSeconds\":60,\"requestsPerWindow\":1000000000000,"
            + "\"dailyCostUsd\":\"1000000\"}";

    /** One measured side: {@code denied} counts answers that were not an allowed admission. */
    record Side(Measurement measurement, double p50Ms, double p99Ms, long denied) {}

    /** {@code redisBenchmark} null when redis-benchmark is not on PATH (reason in {@code absent}). */
    record Result(Side direct, Side http, Double redisBenchmarkPerSecond, String redisBenchmarkCommand,
            String absent, int requests, int threads) {

        /** Both sides, their latencies and their ratio, redis-benchmark's rate when it ran; every call allowed. */
        Findings findings() {
            Findings f = new Findings();
            f.add(direct.measurement());
            f.add(http.measurement());
            f.check("admission: every admission allowed (direct, HTTP)", direct.denied() == 0 && http.denied() == 0,
                    direct.denied() + " direct, " + http.denied() + " HTTP not allowed");
            f.figure("admission direct p50 / p99", direct.p50Ms(), direct.p99Ms(), "ms");
            f.figure("admission HTTP p50 / p99", http.p50Ms(), http.p99Ms(), "ms");
            double directRate = direct.measurement().eventsPerSecond();
            f.figure("admission HTTP / direct", http.measurement().eventsPerSecond() / directRate, Double.NaN, "x");
            if (redisBenchmarkPerSecond == null) {
                f.note("admission: redis-benchmark not run: " + absent);
                return f;
            }
            f.add(new Measurement("admission", "allowed", "redis-benchmark", requests,
                    Duration.ofNanos((long) (requests * 1e9 / redisBenchmarkPerSecond)),
                    threads + " connections, EVALSHA of the admit script, 1 key, its requests/s"));
            f.figure("admission direct / redis-benchmark", directRate / redisBenchmarkPerSecond, Double.NaN, "x");
            f.note("redis-benchmark: `" + redisBenchmarkCommand + "`");
            return f;
        }
    }

    private AdmissionBench() {}

    /**
     * Runs the three sides. Each of direct and HTTP is first warmed up with {@code warmup} admissions (JIT of the
     * caller and, over HTTP, of relay-api: its compiler threads are still busy well past 5,000 requests, which would
     * otherwise be measured); {@code jfrDir} non-null records relay-api with JFR (profile settings) into it.
     */
    static Result run(BenchContext ctx, int requests, int threads, int keys, int warmup, boolean withRedisBenchmark)
            throws Exception {
        String redisUri = ctx.redisUri();
        Databases dbs = ctx.dbs();
        String bootstrapServers = ctx.bootstrapServers();
        String runId = ctx.runId();
        Path logs = ctx.logs();
        Path jfrDir = ctx.jfr();
        URI uri = URI.create(redisUri);
        List<String> apiKeys = new ArrayList<>();
        for (int k = 0; k < Math.max(1, keys); k++) {
            apiKeys.add("bench-adm-" + runId + "-" + k);
        }
        LimitScripts scripts = new LimitScripts();
        Side direct;
        try (RedisClient redis = client(uri, threads)) {
            RedisLimiter limiter = new RedisLimiter(redis, scripts, Clock.systemUTC(), new QuotaPeriods(ZoneOffset.UTC));
            // warm-up: JIT, pool connections, script cache
            run(warmup, threads, i -> limiter.admit(apiKeys.get((int) (i % apiKeys.size())),
                    LIMITS).allowed());
            direct = side("direct", requests, threads, i -> limiter.admit(apiKeys.get((int) (i % apiKeys.size())),
                    LIMITS).allowed(), threads + " threads, RedisLimiter.admit, " + apiKeys.size() + " keys");
        }

        Side http;
        String db = "bench_admission";
        dbs.recreateWithSchema(db);
        String topic = "bench-admission-" + runId;
        EventLoader.createTopics(bootstrapServers, topic);
        int port = Ports.freePort();
        List<String> jvmArgs = new ArrayList<>(AppJvmArgs.RELAY_API);
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            jvmArgs.add("-XX:StartFlightRecording=settings=profile,filename="
                    + jfrDir.resolve("relay-api-admission-" + runId + ".jfr").toAbsolutePath());
        }
        JavaProcess relay = JavaProcess.builder("relay-api")
                .jar(RepoLayout.find().require("relay-api/target/relay-api-exec.jar"))
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .env("LEDGER_SECURITY_RELAYTOKENS", RELAY + ":" + RELAY_TOKEN)
                .env("LEDGER_SECURITY_ADMINTOKENS", "bench-admin:" + ADMIN_TOKEN)
                .args("--server.port=" + port, "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "--ledger.kafka.topic=" + topic, "--ledger.kafka.dead-letter-topic=" + topic + ".DLT",
                        "--spring.datasource.url=" + dbs.url(db), "--spring.datasource.username=" + dbs.user(),
                        "--spring.datasource.password=" + dbs.password(), "--ledger.redis.uri=" + redisUri,
                        "--ledger.redis.pool-size=" + Math.max(8, threads), "--ledger.limits.cache-ttl=10m")
                .logFile(logs.resolve("relay-api-" + topic + ".log"))
                .start();
        try {
            HttpClient client = RelayHttp.client();
            String base = "http://127.0.0.1:" + port;
            RelayHttp.awaitReady(relay, client, base);
            for (String key : apiKeys) {
                HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/keys/" + key
                                + "/limits")).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .PUT(HttpRequest.BodyPublishers.ofString(LIMITS_JSON)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (put.statusCode() != 200) {
                    throw new IllegalStateException("PUT limits answered " + put.statusCode() + ": " + put.body());
                }
            }
            AdmissionCall call = i -> {
                String body = "{\"apiKeyId\":\"" + apiKeys.get((int) (i % apiKeys.size())) + "\",\"requestId\":\"r"
                        + i + "\",\"model\":\"m\"}";
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/admissions"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + RELAY_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            };
            run(warmup, threads, call); // warm-up, also fills the limits cache
            http = side("relay-api HTTP", requests, threads, call, threads + " HTTP clients, POST /v1/admissions, "
                    + apiKeys.size() + " keys, limits cached");
        } finally {
            relay.stop(Duration.ofSeconds(15));
        }

        if (!withRedisBenchmark) {
            return new Result(direct, http, null, null, "not asked for", requests, threads);
        }
        String exe = onPath("redis-benchmark");
        if (exe == null) {
            return new Result(direct, http, null, null, "redis-benchmark is not on PATH (Debian: redis-tools)",
                    requests, threads);
        }
        String sha;
        try (RedisClient redis = client(uri, 1)) {
            sha = redis.scriptLoad(scripts.source(LimitScripts.Script.ADMIT), "x");
        }
        List<String> command = redisBenchmarkCommand(exe, uri, threads, requests, sha, apiKeys.get(0));
        double rps = redisBenchmark(command, logs);
        return new Result(direct, http, rps, String.join(" ", command), null, requests, threads);
    }

    /** The EVALSHA of one admission of {@code apiKeyId} now, as redis-benchmark arguments. */
    static List<String> redisBenchmarkCommand(String exe, URI uri, int connections, int requests, String sha,
            String apiKeyId) {
        Instant now = Instant.now();
        QuotaPeriods periods = new QuotaPeriods(ZoneOffset.UTC);
        long bucketMs = LimitKeys.bucketMillis(LIMITS.windowSeconds());
        List<String> keys = LimitKeys.admissionKeys(apiKeyId, bucketMs, periods.day(now), periods.weekStart(now, LIMITS));
        List<String> command = new ArrayList<>(List.of(exe, "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()),
                "-c", Integer.toString(connections), "-n", Integer.toString(requests), "-q", "EVALSHA", sha,
                Integer.toString(keys.size())));
        command.addAll(keys);
        // the ARGV of RedisLimiter.admit: now, window, bucket, limits, no lease
        command.addAll(List.of(Long.toString(now.toEpochMilli()), Long.toString(LIMITS.windowSeconds() * 1000L),
                Long.toString(bucketMs), Long.toString(LIMITS.requestsPerWindow()), "0", "0", "0", "0",
                Long.toString(UsdUnits.toUnits(LIMITS.dailyCostUsd())), "0", "0", "0", ""));
        return command;
    }

    private static final Pattern RPS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");

    private static double redisBenchmark(List<String> command, Path logs) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.append(line).append('\n');
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        Files.writeString(logs.resolve("redis-benchmark.log"), String.join(" ", command) + "\n" + out);
        Matcher m = RPS.matcher(out.toString().replace('\r', '\n'));
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        if (Double.isNaN(last) || out.toString().contains("ERR")) {
            throw new IllegalStateException("redis-benchmark gave no rate: " + out);
        }
        return last;
    }

    private static String onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, exe);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static RedisClient client(URI uri, int pool) {
        ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
        poolConfig.setMaxTotal(Math.max(8, pool));
        poolConfig.setMaxIdle(Math.max(8, pool));
        return RedisClient.builder()
                .hostAndPort(new HostAndPort(uri.getHost(), uri.getPort()))
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(5_000)
                        .password(JedisURIHelper.getPassword(uri)).build())
                .poolConfig(poolConfig)
                .build();
    }

    @FunctionalInterface
    interface AdmissionCall {
        /** True when the admission was allowed. */
        boolean call(long i) throws Exception;
    }

    private static Side side(String writer, int requests, int threads, AdmissionCall call, String note)
            throws Exception {
        long[] latencies = new long[requests];
        AtomicLong denied = new AtomicLong();
        long t0 = System.nanoTime();
        try (Progress progress = Progress.onStderr("admission " + writer, requests)) {
            run(requests, threads, i -> {
                long s = System.nanoTime();
                boolean allowed = call.call(i);
                latencies[(int) i] = System.nanoTime() - s;
                if (!allowed) {
                    denied.incrementAndGet();
                }
                progress.advance(1);
                return allowed;
            });
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        Arrays.sort(latencies);
        double p50 = latencies[(int) Math.min(requests - 1, Math.floor(requests * 0.50))] / 1e6;
        double p99 = latencies[(int) Math.min(requests - 1, Math.floor(requests * 0.99))] / 1e6;
        return new Side(new Measurement("admission", "allowed", writer, requests, elapsed,
                note + String.format(Locale.ROOT, ", p50 %.2f ms, p99 %.2f ms", p50, p99)), p50, p99, denied.get());
    }

    private static void run(int requests, int threads, AdmissionCall call) throws Exception {
        Workers.share(requests, threads, call::call);
    }
}
