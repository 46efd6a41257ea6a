package dev.usageledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * P4: freshness at offered loads, by {@link FreshnessRun}s: the end-to-end capacity first, then freshness at half of
 * it (the target's figure) and at half of P1's consumer-alone rate; every {@code --pipeline-variant} again on a
 * topic and database of its own, at the same offered rates, its capacity as a ratio to the default consumer's.
 *
 * @param rate             a fixed offered rate (events/s), or {@code null} for the loads above
 * @param capacityEvents   events of the capacity phase; 0 skips it
 * @param livePipelineRate P1's live pipeline rate, or {@code null} when P1 did not run
 */
record FreshnessBench(Double rate, int capacityEvents, Duration warmup, Duration duration, Double livePipelineRate,
        int maxPollRecords) {

    /** Runs this build's consumer, then each variant; their findings, in that order. */
    Findings run(BenchContext ctx, List<ConsumerVariant> variants) throws Exception {
        Findings f = new Findings();
        int capacity = rate != null ? 0 : capacityEvents;
        // Lazily generated: enough for the capacity phase and two loads of up to 100,000 events/s.
        long bound = FreshnessRun.CAPACITY_WARMUP + capacity + 2 * FreshnessRun.eventsFor(
                Math.max(100_000, rate == null ? 0 : rate), warmup, duration);
        FreshnessRun.Result first = null;
        List<ConsumerVariant> runs = new ArrayList<>();
        runs.add(null);
        runs.addAll(variants);
        for (ConsumerVariant v : runs) {
            // The variants run at the loads the default consumer ran at, whatever their own capacity.
            List<FreshnessRun.Load> chosen = first == null ? null
                    : first.phases().stream().map(FreshnessRun.Phase::load).toList();
            FreshnessRun.Result r = FreshnessRun.run(ctx, ctx.events(Profile.LIVE, bound, 2), capacity,
                    chosen == null ? loads(capacity) : c -> chosen, warmup, duration, maxPollRecords, v);
            report(f, r, first, v);
            if (first == null) {
                first = r;
            }
        }
        return f;
    }

    /** The loads, given the capacity measured (NaN when not). */
    private DoubleFunction<List<FreshnessRun.Load>> loads(int capacity) {
        if (rate != null) {
            return c -> List.of(new FreshnessRun.Load("offered", rate));
        }
        if (capacity == 0) {
            return c -> List.of(livePipelineRate != null
                    ? new FreshnessRun.Load("half of P1's live pipeline rate", livePipelineRate / 2)
                    : new FreshnessRun.Load("offered", 1_000));
        }
        return c -> {
            List<FreshnessRun.Load> l = new ArrayList<>();
            l.add(new FreshnessRun.Load("half of the end-to-end capacity", c / 2));
            if (livePipelineRate != null) {
                l.add(new FreshnessRun.Load("half of P1's live pipeline rate", livePipelineRate / 2));
            }
            return l;
        };
    }

    private static void report(Findings f, FreshnessRun.Result r, FreshnessRun.Result first, ConsumerVariant v) {
        String label = v == null ? "" : ", " + v.label();
        if (r.capacity() != null) {
            f.add(r.capacity());
            if (first == null) {
                f.figure("P4 end-to-end capacity (HTTP ingest to MySQL, one machine)", r.capacityRate(), Double.NaN,
                        "events/s");
            } else {
                f.figure("P4 end-to-end capacity" + label + " / default consumer's",
                        r.capacityRate() / first.capacityRate(), Double.NaN, "x");
            }
        }
        for (FreshnessRun.Phase phase : r.phases()) {
            f.add(phase.measurement());
            String name = "P4 freshness p99 at " + phase.load().label() + label;
            double p99 = phase.batches() == 0 ? Double.NaN : phase.p99Ms(); // nothing measured: not "met"
            if (v == null) {
                f.limit(name, p99, 1000, "ms");
            } else {
                f.figure(name, p99, Double.NaN, "ms");
            }
            f.note(FreshnessRun.describe(phase) + label);
            f.check("P4" + label + ", " + phase.load().label() + ": every batch accepted and visible",
                    phase.rejected() == 0 && phase.notVisible() == 0 && phase.batches() > 0, phase.batches()
                    + " measured, " + phase.rejected() + " not accepted, " + phase.notVisible() + " not visible");
        }
    }
}
