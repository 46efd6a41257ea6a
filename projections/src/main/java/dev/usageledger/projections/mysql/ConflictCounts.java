package dev.usageledger.projections.mysql;

import dev.usageledger.projections.version.FirstAccepted;
import java.util.Map;
import java.util.TreeMap;

/** The resend conflicts of one transaction, counted for its metrics (taken only once it committed). Not thread-safe. */
final class ConflictCounts {

    private final Map<String, Integer> swaps = new TreeMap<>();
    private final Map<String, Integer> fields = new TreeMap<>();
    private int pastHorizon;

    void count(ResendConflict c) {
        if (c.swapped()) {
            swaps.merge(c.kind(), 1, Integer::sum);
        }
        if (c.decision().outcome() == FirstAccepted.Outcome.PAST_HORIZON) {
            pastHorizon++;
        }
        c.decision().differingFields().forEach(f -> fields.merge(f, 1, Integer::sum));
    }

    /** Swaps per event kind ({@link ProjectionSql#USAGE_KIND}, {@link ProjectionSql#ADJUSTMENT_KIND}). */
    Map<String, Integer> swaps() {
        return swaps;
    }

    /** Per caller-sent field, how many conflicts it differed in. */
    Map<String, Integer> fields() {
        return fields;
    }

    /** Conflicts with an earlier version accepted too long before the counted one to replace it. */
    int pastHorizon() {
        return pastHorizon;
    }
}
