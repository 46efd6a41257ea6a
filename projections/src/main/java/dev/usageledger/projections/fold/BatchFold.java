package dev.usageledger.projections.fold;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.UsageRecorded;
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
 *   <li>{@code account_usage_stats} (account, model): both, for events that name an account.
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
                for (Granularity g : GRANULARITIES) {
                    var start = buckets.start(g, u.occurredAt());
                    var real = u.cost().realUsd();
                    var rated = u.cost().ratedUsd();
                    usageStats.computeIfAbsent(new StatsKey(g, start, u.apiKeyId(), u.model()), k -> new Measures())
                            .addRequest(u.usage(), real, rated, sign);
                    costStats.computeIfAbsent(new StatsKey(g, start, u.apiKeyId(), u.model()), k -> new Measures())
                            .addCost(real, rated, sign);
                    if (u.accountId() != null) {
                        accountStats.computeIfAbsent(new StatsKey(g, start, u.accountId(), u.model()),
                                k -> new Measures()).addRequest(u.usage(), real, rated, sign);
                    }
                }
            }
            for (CostAdjusted a : adjustments) {
                for (Granularity g : GRANULARITIES) {
                    var start = buckets.start(g, a.occurredAt());
                    costStats.computeIfAbsent(new StatsKey(g, start, a.apiKeyId(), a.model()), k -> new Measures())
                            .addCost(a.realUsd(), a.ratedUsd(), sign);
                    if (a.accountId() != null) {
                        accountStats.computeIfAbsent(new StatsKey(g, start, a.accountId(), a.model()),
                                k -> new Measures()).addCost(a.realUsd(), a.ratedUsd(), sign);
                    }
                }
            }
        }

        /** How many stats rows (all three tables) the events added so far fold into. */
        public int rows() {
            return usageStats.size() + costStats.size() + accountStats.size();
        }

        /** The rows so far, each table's in primary-key order. */
        public FoldedBatch result() {
            return new FoldedBatch(sorted(usageStats), sorted(costStats), sorted(accountStats));
        }
    }

    private static List<Map.Entry<StatsKey, Measures>> sorted(Map<StatsKey, Measures> rows) {
        List<Map.Entry<StatsKey, Measures>> list = new ArrayList<>(rows.entrySet());
        list.sort(Map.Entry.comparingByKey(StatsKey.ORDER));
        return list;
    }
}
