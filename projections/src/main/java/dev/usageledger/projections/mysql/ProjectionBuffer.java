package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.version.FirstAccepted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one projection transaction holds in memory, reduced by key before the database sees it (the idea of Debezium's
 * {@code ReducedRecordBuffer}): each poll's events once per id ({@link Poll#of}), and the new events of all its polls
 * folded into one stats row per key and bucket (a replaced version folded negatively). Memory holds the folded stats, never the polls' events. Not
 * thread-safe: one consumer thread owns it.
 */
final class ProjectionBuffer {

    private final BatchFold.Accumulator folded;
    private final ConflictCounts conflicts = new ConflictCounts();
    private Counts counts = Counts.NONE;
    private int polls;

    ProjectionBuffer(BatchFold fold) {
        this.folded = fold.accumulator();
    }

    /**
     * One poll's events, each id once: of several versions of one id, the one accepted first
     * ({@link FirstAccepted}: the first in offset order unless a later one was accepted earlier, within the swap
     * horizon). Every version dropped for differing from the one kept is a conflict.
     */
    record Poll(ProjectionBatch batch, Map<String, UsageRecorded> usage, Map<String, CostAdjusted> adjustments,
            int usageEvents, List<ResendConflict> conflicts) {

        static Poll of(ProjectionBatch batch, FirstAccepted rule) {
            Map<String, UsageRecorded> usage = new LinkedHashMap<>();
            Map<String, CostAdjusted> adjustments = new LinkedHashMap<>();
            List<ResendConflict> conflicts = new ArrayList<>(0);
            int usageEvents = 0;
            List<LedgerEvent> events = batch.events();
            for (int i = 0; i < events.size(); i++) {
                LedgerEvent e = events.get(i);
                if (e instanceof UsageRecorded u) {
                    keep(usage, u, ProjectionSql.USAGE_KIND, rule, batch, i, conflicts);
                    usageEvents++;
                } else if (e instanceof CostAdjusted a) {
                    keep(adjustments, a, ProjectionSql.ADJUSTMENT_KIND, rule, batch, i, conflicts);
                }
            }
            return new Poll(batch, usage, adjustments, usageEvents, conflicts);
        }

        private static <E extends LedgerEvent> void keep(Map<String, E> kept, E read, String kind, FirstAccepted rule,
                ProjectionBatch batch, int index, List<ResendConflict> conflicts) {
            E first = kept.putIfAbsent(read.eventId(), read);
            if (first == null) {
                return;
            }
            FirstAccepted.Decision decision = rule.decide(first, read);
            if (decision.outcome() == FirstAccepted.Outcome.DUPLICATE) {
                return;
            }
            if (decision.swaps()) {
                kept.put(read.eventId(), read);
            }
            conflicts.add(new ResendConflict(kind, first, read, decision, batch.topic(), batch.position(index)));
        }
    }

    /**
     * Adds a written poll: its events counted, the new ones among them and the versions that replaced stored ones
     * folded, the replaced versions folded negatively, its conflicts counted.
     */
    void add(Poll poll, Written<UsageRecorded> usage, Written<CostAdjusted> adjustments) {
        folded.add(usage.added(), adjustments.added());
        folded.subtract(usage.removed(), adjustments.removed());
        counts = counts.plus(new Counts(poll.usageEvents(), usage.fresh(),
                poll.batch().events().size() - poll.usageEvents(), adjustments.fresh(), 0));
        poll.conflicts().forEach(conflicts::count);
        usage.conflicts().forEach(conflicts::count);
        adjustments.conflicts().forEach(conflicts::count);
        polls++;
    }

    /**
     * What a poll wrote of one kind: the versions that now count and were not counted before ({@code added}: the
     * first {@code fresh} of them new ids, the rest replacing a stored version), the stored versions they replaced
     * ({@code removed}), and the conflicts with stored versions.
     */
    record Written<E extends LedgerEvent>(List<E> added, int fresh, List<E> removed, List<ResendConflict> conflicts) {}

    /** The conflicts of the polls added so far, for the metrics after commit. */
    ConflictCounts conflicts() {
        return conflicts;
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
