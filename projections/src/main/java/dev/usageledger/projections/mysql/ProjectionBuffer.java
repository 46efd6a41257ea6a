package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.FoldedBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one projection transaction holds in memory, reduced by key before the database sees it (the idea of Debezium's
 * {@code ReducedRecordBuffer}): each poll's events once per id ({@link Poll#of}), and the new events of all its polls
 * folded into one stats row per key and bucket. Memory holds the folded stats, never the polls' events. Not
 * thread-safe: one consumer thread owns it.
 */
final class ProjectionBuffer {

    private final BatchFold.Accumulator folded;
    private Counts counts = Counts.NONE;
    private int polls;

    ProjectionBuffer(BatchFold fold) {
        this.folded = fold.accumulator();
    }

    /**
     * One poll's events, each id once. Of two versions of one request, the one relay-api accepted first
     * ({@code receivedAt}), then the first in offset order; of an adjustment, the first in offset order.
     */
    record Poll(ProjectionBatch batch, Map<String, UsageRecorded> usage, Map<String, CostAdjusted> adjustments,
            int usageEvents) {

        static Poll of(ProjectionBatch batch) {
            Map<String, UsageRecorded> usage = new LinkedHashMap<>();
            Map<String, CostAdjusted> adjustments = new LinkedHashMap<>();
            int usageEvents = 0;
            for (LedgerEvent e : batch.events()) {
                if (e instanceof UsageRecorded u) {
                    usage.merge(u.requestId(), u, Poll::firstAccepted);
                    usageEvents++;
                } else if (e instanceof CostAdjusted a) {
                    adjustments.putIfAbsent(a.adjustmentId(), a);
                }
            }
            return new Poll(batch, usage, adjustments, usageEvents);
        }

        private static UsageRecorded firstAccepted(UsageRecorded kept, UsageRecorded other) {
            if (kept.receivedAt() != null && other.receivedAt() != null
                    && other.receivedAt().isBefore(kept.receivedAt())) {
                return other;
            }
            return kept;
        }
    }

    /** Adds a written poll: its events counted, the new ones among them folded. */
    void add(Poll poll, List<UsageRecorded> freshUsage, List<CostAdjusted> freshAdjustments) {
        folded.add(freshUsage, freshAdjustments);
        counts = counts.plus(new Counts(poll.usageEvents(), freshUsage.size(),
                poll.batch().events().size() - poll.usageEvents(), freshAdjustments.size(), 0));
        polls++;
    }

    /** Polls added so far. */
    int polls() {
        return polls;
    }

    /** Events of the polls added so far, duplicates included. */
    int events() {
        return counts.usageEvents() + counts.adjustmentEvents();
    }

    /** Stats rows the polls added so far fold into. */
    int statsRows() {
        return folded.rows();
    }

    /** The folded stats rows, each table's in primary-key order. */
    FoldedBatch stats() {
        return folded.result();
    }

    /** What the polls added so far wrote, with {@code statsRows} stats rows upserted. */
    Counts counts(int statsRows) {
        return counts.plusStatsRows(statsRows);
    }

    /** What a transaction wrote; events counted as they came, duplicates included. */
    record Counts(int usageEvents, int newUsage, int adjustmentEvents, int newAdjustments, int statsRows) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(usageEvents + other.usageEvents, newUsage + other.newUsage,
                    adjustmentEvents + other.adjustmentEvents, newAdjustments + other.newAdjustments,
                    statsRows + other.statsRows);
        }

        Counts plusStatsRows(int rows) {
            return new Counts(usageEvents, newUsage, adjustmentEvents, newAdjustments, statsRows + rows);
        }
    }
}
