package dev.usageledger.projections.fold;

import java.util.List;
import java.util.Map;

/**
 * A batch of new events reduced to the stats rows it changes, each list in primary-key order
 * ({@link StatsKey#ORDER}): N events become M ≪ N upserts.
 */
public record FoldedBatch(
        List<Map.Entry<StatsKey, Measures>> usageStats,
        List<Map.Entry<StatsKey, Measures>> costStats,
        List<Map.Entry<StatsKey, Measures>> accountStats,
        List<Map.Entry<StatsKey, Measures>> keyStats,
        List<Map.Entry<StatsKey, Measures>> modelStats) {

    public int rowCount() {
        return usageStats.size() + costStats.size() + accountStats.size() + keyStats.size() + modelStats.size();
    }
}
