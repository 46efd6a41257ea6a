package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.mysql.LedgerInvariants;
import dev.usageledger.stack.Progress;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * P1: the real usage-consumer projecting a pre-loaded topic, against its floors — the same ledger rows written by
 * batched {@code INSERT}s (raw, the targets' baseline) and by {@code LOAD DATA} (raw LOAD DATA, the way the
 * pipeline writes them) — and against a naive per-event writer; each writer into a database of its own, with the
 * checks that every one stored what was generated and that the pipeline's projections add up.
 */
final class ProjectionBench {

    /**
     * @param consumerRuns every usage-consumer run (P5 takes their peak RSS)
     * @param pipelineRate the first pipeline run's events/s
     */
    record Result(Findings findings, List<ConsumerRun.Result> consumerRuns, double pipelineRate) {}

    /** What the baselines measured; {@code rawLoad} is null when the server refuses LOAD DATA LOCAL. */
    private record Baselines(Measurement raw, Measurement rawLoad, Measurement naive) {}

    private ProjectionBench() {}

    /**
     * Runs every writer on {@code generated}: raw, raw LOAD DATA (when the server allows {@code LOAD DATA LOCAL}),
     * naive on the first {@code naiveSample} events, then the pipeline once per {@code maxPollRecords} value and
     * once per variant (batch: the first value), all on one topic, each with a group and database of its own.
     */
    static Result run(BenchContext ctx, Profile profile, UsageTraffic generated, int naiveSample, List<Integer> maxPollRecords,
            List<ConsumerVariant> variants) throws Exception {
        Findings f = new Findings();
        String p = profile.label();
        long events = generated.count();
        Baselines base = baselines(ctx.dbs(), p, generated, naiveSample, f);

        String topic = "bench-" + p + "-" + ctx.runId();
        EventLoader.createTopics(ctx.bootstrapServers(), topic);
        LedgerTotals[] loaded = new LedgerTotals[1];
        Map<Integer, Long> ends = EventLoader.load(ctx.bootstrapServers(), topic, generated, loaded,
                "P1 " + p + " loading the topic");
        List<ConsumerRun.Result> runs = new ArrayList<>();
        double firstRate = Double.NaN;
        for (int i = 0; i < maxPollRecords.size(); i++) {
            int batch = maxPollRecords.get(i);
            String db = "bench_pipeline_" + p + (i == 0 ? "" : "_" + batch);
            String label = maxPollRecords.size() == 1 ? "pipeline" : "pipeline, batch " + batch;
            ConsumerRun.Result r = pipeline(ctx, db, topic, "bench-" + topic + (i == 0 ? "" : "-" + batch), ends,
                    events, batch, null, "P1 " + p + " " + label);
            runs.add(r);
            Measurement pipeline = new Measurement("P1", p, label, events, r.projecting(),
                    "usage-consumer process, max-poll-records " + batch + ", from partitions claimed to last commit");
            f.add(pipeline);
            if (i == 0) {
                firstRate = pipeline.eventsPerSecond();
                ratios(f, p, pipeline, base);
            }
            checkPipeline(f, ctx, db, "P1 " + p + ", batch " + batch, loaded[0]);
        }
        for (ConsumerVariant v : variants) {
            String db = "bench_pipeline_" + p + "_" + v.label().replaceAll("[^A-Za-z0-9_]", "_");
            ConsumerRun.Result r = pipeline(ctx, db, topic, "bench-" + topic + "-" + v.label(), ends, events,
                    maxPollRecords.get(0), v, "P1 " + p + " pipeline, " + v.label());
            runs.add(r);
            Measurement variant = new Measurement("P1", p, "pipeline, " + v.label(), events, r.projecting(),
                    "max-poll-records " + maxPollRecords.get(0) + ", " + v.describe());
            f.add(variant);
            f.figure("P1 " + p + ": pipeline / pipeline, " + v.label(), firstRate / variant.eventsPerSecond(),
                    Double.NaN, "x");
            if (v.jar() == null) {
                checkPipeline(f, ctx, db, "P1 " + p + ", " + v.label(), loaded[0]);
            } else {
                // Another build migrates its own schema, which this build's invariants may not know.
                checkSums(f, ctx.dbs(), db, "P1 " + p + ", " + v.label() + ": pipeline sums = generated sums",
                        loaded[0]);
            }
        }
        try (Connection rawC = ctx.dbs().connect("bench_raw_" + p);
                Connection pipeC = ctx.dbs().connect("bench_pipeline_" + p)) {
            LedgerTotals pipeSums = LedgerTotals.ofLedger(pipeC);
            f.check("P1 " + p + ": pipeline sums = raw sums (tokens, cost)",
                    pipeSums.sameAs(LedgerTotals.ofLedger(rawC)), pipeSums.toString());
        }
        return new Result(f, runs, firstRate);
    }

    /** The targets stay against raw (batched INSERT); raw LOAD DATA is the second floor, without a target. */
    private static void ratios(Findings f, String p, Measurement pipeline, Baselines base) {
        f.ratio("P1 " + p + ": pipeline / raw", pipeline.eventsPerSecond() / base.raw().eventsPerSecond(), 0.8, "x");
        if (base.rawLoad() != null) {
            f.figure("P1 " + p + ": pipeline / raw LOAD DATA",
                    pipeline.eventsPerSecond() / base.rawLoad().eventsPerSecond(), Double.NaN, "x");
        }
        f.ratio("P1 " + p + ": pipeline / naive", pipeline.eventsPerSecond() / base.naive().eventsPerSecond(), 40,
                "x");
    }

    /** Raw, raw LOAD DATA and naive, each checked against the sums of the events it was given. */
    private static Baselines baselines(Databases dbs, String p, UsageTraffic generated, int naiveSample,
            Findings f) throws Exception {
        long events = generated.count();
        String rawDb = "bench_raw_" + p;
        dbs.recreateWithSchema(rawDb);
        LedgerTotals[] expected = new LedgerTotals[1];
        Duration rawTime;
        try (Progress progress = Progress.onStderr("P1 " + p + " raw", events)) {
            rawTime = RawWriter.write(dbs, rawDb, generated, expected, progress);
        }
        Measurement raw = new Measurement("P1", p, "raw", events, rawTime,
                "ledger rows only, batch " + RawWriter.BATCH + ", " + RawWriter.ROWS_PER_TRANSACTION + " rows/tx");
        f.add(raw);
        checkSums(f, dbs, rawDb, "P1 " + p + ": raw sums = generated sums", expected[0]);

        Measurement rawLoad = null;
        String loadDb = "bench_raw_load_" + p;
        dbs.recreateWithSchema(loadDb);
        if (RawLoadWriter.serverAllows(dbs, loadDb)) {
            LedgerTotals[] loadExpected = new LedgerTotals[1];
            Duration loadTime;
            try (Progress progress = Progress.onStderr("P1 " + p + " raw LOAD DATA", events)) {
                loadTime = RawLoadWriter.write(dbs, loadDb, generated, loadExpected, progress);
            }
            rawLoad = new Measurement("P1", p, "raw LOAD DATA", events, loadTime, "ledger rows only, LOAD DATA LOCAL "
                    + "of " + RawWriter.BATCH + " rows a file, " + RawWriter.ROWS_PER_TRANSACTION + " rows/tx");
            f.add(rawLoad);
            checkSums(f, dbs, loadDb, "P1 " + p + ": raw LOAD DATA sums = generated sums", loadExpected[0]);
        } else {
            f.note("P1 " + p + ": raw LOAD DATA not run: the server has local_infile off");
        }

        String naiveDb = "bench_naive_" + p;
        dbs.recreateWithSchema(naiveDb);
        int sample = (int) Math.min(naiveSample, events);
        LedgerTotals[] naiveExpected = new LedgerTotals[1];
        Duration naiveTime;
        try (Progress progress = Progress.onStderr("P1 " + p + " naive", sample)) {
            naiveTime = NaiveWriter.write(dbs, naiveDb, generated, sample, naiveExpected, progress);
        }
        Measurement naive = new Measurement("P1", p, "naive", sample, naiveTime,
                "autocommit, 1 insert + 1 upsert per stats row per event");
        f.add(naive);
        checkSums(f, dbs, naiveDb, "P1 " + p + ": naive sums = its sample's sums", naiveExpected[0]);
        return new Baselines(raw, rawLoad, naive);
    }

    private static ConsumerRun.Result pipeline(BenchContext ctx, String db, String topic, String group,
            Map<Integer, Long> ends, long events, int batch, ConsumerVariant variant, String phase) throws Exception {
        ctx.dbs().recreate(db);
        return ConsumerRun.run(ctx.dbs(), db, ctx.bootstrapServers(), topic, group, ends, events, ctx.logs(), batch,
                ctx.jfr(), variant, phase);
    }

    /** The pipeline stored what was loaded, and its projections add up. */
    static void checkPipeline(Findings f, BenchContext ctx, String db, String name, LedgerTotals loaded)
            throws Exception {
        checkSums(f, ctx.dbs(), db, name + ": pipeline sums = generated sums", loaded);
        List<String> broken = LedgerInvariants.mismatches(ctx.dbs().dataSource(db), ZoneOffset.UTC);
        f.check(name + ": ledger invariants hold", broken.isEmpty(),
                broken.isEmpty() ? "none broken" : broken.size() + " broken, first: " + broken.get(0));
    }

    static void checkSums(Findings f, Databases dbs, String db, String name, LedgerTotals expected) throws Exception {
        try (Connection c = dbs.connect(db)) {
            LedgerTotals sums = LedgerTotals.ofLedger(c);
            f.check(name, sums.sameAs(expected), sums.toString());
        }
    }
}
