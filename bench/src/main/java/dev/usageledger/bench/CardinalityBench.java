package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P6: the pipeline's rate as the number of API keys grows (more distinct stats rows per batch), each key count on
 * a topic and database of its own, its sums checked against what was loaded.
 */
final class CardinalityBench {

    /** @param consumerRuns every usage-consumer run (P5 takes their peak RSS) */
    record Result(Findings findings, List<ConsumerRun.Result> consumerRuns) {}

    private CardinalityBench() {}

    /** {@code events} live events per key count; the ratios are to the first key count's rate. */
    static Result run(BenchContext ctx, long events, List<Integer> keyCounts, int maxPollRecords) throws Exception {
        Findings f = new Findings();
        List<ConsumerRun.Result> runs = new java.util.ArrayList<>();
        Double base = null;
        for (int k : keyCounts) {
            UsageTraffic generated = ctx.events(Profile.LIVE, events, k, 0);
            String db = "bench_keys_" + k;
            ctx.dbs().recreate(db);
            LedgerTotals[] loaded = new LedgerTotals[1];
            String topic = "bench-keys" + k + "-" + ctx.runId();
            String phase = String.format(Locale.ROOT, "P6 %,d keys", k);
            EventLoader.createTopics(ctx.bootstrapServers(), topic);
            Map<Integer, Long> ends = EventLoader.load(ctx.bootstrapServers(), topic, generated, loaded,
                    phase + " loading the topic");
            ConsumerRun.Result r = ConsumerRun.run(ctx.dbs(), db, ctx.bootstrapServers(), topic, "bench-" + topic,
                    ends, events, ctx.logs(), maxPollRecords, ctx.jfr(), null, phase + " pipeline");
            runs.add(r);
            Measurement m = new Measurement("P6", String.format(Locale.ROOT, "live, %,d keys", k), "pipeline",
                    events, r.projecting(), "from partitions claimed to last commit");
            f.add(m);
            ProjectionBench.checkSums(f, ctx.dbs(), db, "P6 " + k + " keys: pipeline sums = generated sums",
                    loaded[0]);
            if (base == null) {
                base = m.eventsPerSecond();
            } else {
                f.ratio(String.format(Locale.ROOT, "P6 %,d keys / %,d keys", k, keyCounts.get(0)),
                        m.eventsPerSecond() / base, 0.5, "x");
            }
        }
        return new Result(f, runs);
    }
}
