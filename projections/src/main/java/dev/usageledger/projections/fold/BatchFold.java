package dev.usageledger.projections.fold;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds events that are known to be new into stats rows, in memory. Pure and deterministic: the
 * same events give the same rows in the same order.
 *
 * <ul>
 *   <li>{@code usage_stats} (key, model): requests and tokens of usage events;
 *   <li>{@code cost_stats} (key, model): real and rated cost of usage events and adjustments;
 *   <li>{@code account_usage_stats} (account, model): both, for events that name an account;
 *   <li>{@code key_stats} (key) and {@code model_stats} (model): both, summed over models and over keys.
 * </ul>
 * Each at hour, day and month granularity.
 */
public final class BatchFold {

    private static final Granularity[] GRANULARITIES = Granularity.values();

    private final Buckets buckets;

    public BatchFold(Buckets buckets) {
        this.buckets = buckets;
    }

    public FoldedBatch fold(List<UsageRecorded> usage, List<CostAdjusted> adjustments) {
        Accumulator accumulator = accumulator();
        accumulator.add(usage, adjustments);
        return accumulator.result();
    }

    /** An empty fold that several lists of events can be added to before its rows are taken. */
    public Accumulator accumulator() {
        return new Accumulator();
    }

    /**
     * Stats rows folded from every event added so far: adding events in several calls gives the same rows
     * as adding them all at once. Not thread-safe.
     */
    public final class Accumulator {

        private final Map<StatsKey, Measures> usageStats = new HashMap<>();
        private final Map<StatsKey, Measures> costStats = new HashMap<>();
        private final Map<StatsKey, Measures> accountStats = new HashMap<>();
        private final Map<StatsKey, Measures> keyStats = new HashMap<>();
        private final Map<StatsKey, Measures> modelStats = new HashMap<>();

        private Accumulator() {}

        public void add(List<UsageRecorded> usage, List<CostAdjusted> adjustments) {
            fold(usage, adjustments, 1);
        }

        /**
         * Takes events away that an earlier fold (this one's or one already stored) added: their measures folded
         * negatively, so that a stored version replaced by another leaves the sums as if it had never counted.
         */
        public void subtract(List<UsageRecorded> usage, List<CostAdjusted> adjustments) {
            fold(usage, adjustments, -1);
        }

        private void fold(List<UsageRecorded> usage, List<CostAdjusted> adjustments, int sign) {
            for (UsageRecorded u : usage) {
                var real = u.cost().realUsd();
                var rated = u.cost().ratedUsd();
                boolean unpriced = u.cost().source() == PricingSource.UNPRICED;
                for (Granularity g : GRANULARITIES) {
                    var start = buckets.start(g, u.occurredAt());
                    row(usageStats, new StatsKey(g, start, u.apiKeyId(), u.model()))
                            .addRequest(u.usage(), real, rated, unpriced, sign);
                    row(costStats, new StatsKey(g, start, u.apiKeyId(), u.model())).addCost(real, rated, sign);
                    if (u.accountId() != null) {
                        row(accountStats, new StatsKey(g, start, u.accountId(), u.model()))
                                .addRequest(u.usage(), real, rated, unpriced, sign);
                    }
                    row(keyStats, StatsKey.rollup(g, start, u.apiKeyId()))
                            .addRequest(u.usage(), real, rated, unpriced, sign);
                    row(modelStats, StatsKey.rollup(g, start, u.model()))
                            .addRequest(u.usage(), real, rated, unpriced, sign);
                }
            }
            for (CostAdjusted a : adjustments) {
                for (Granularity g : GRANULARITIES) {
                    var start = buckets.start(g, a.occurredAt());
                    row(costStats, new StatsKey(g, start, a.apiKeyId(), a.model()))
                            .addCost(a.realUsd(), a.ratedUsd(), sign);
                    if (a.accountId() != null) {
                        row(accountStats, new StatsKey(g, start, a.accountId(), a.model()))
                                .addCost(a.realUsd(), a.ratedUsd(), sign);
                    }
                    row(keyStats, StatsKey.rollup(g, start, a.apiKeyId())).addCost(a.realUsd(), a.ratedUsd(), sign);
                    row(modelStats, StatsKey.rollup(g, start, a.model())).addCost(a.realUsd(), a.ratedUsd(), sign);
                }
            }
        }

        private static Measures row(Map<StatsKey, Measures> table, StatsKey key) {
            return table.computeIfAbsent(key, k -> new Measures());
        }

        /** How many stats rows (all tables) the events added so far fold into. */
        public int rows() {
            return usageStats.size() + costStats.size() + accountStats.size() + keyStats.size() + modelStats.size();
        }

        /** The rows so far, each table's in primary-key order. */
        public FoldedBatch result() {
            return new FoldedBatch(sorted(usageStats), sorted(costStats), sorted(accountStats), sorted(keyStats),
                    sorted(modelStats));
        }
    }

    private static List<Map.Entry<StatsKey, Measures>> sorted(Map<StatsKey, Measures> rows) {
        List<Map.Entry<StatsKey, Measures>> list = new ArrayList<>(rows.entrySet());
        list.sort(Map.Entry.comparingByKey(StatsKey.ORDER));
        return list;
    }
}
