package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.version.FirstAccepted;

/**
 * A resend whose caller-sent fields differ from the version that counted when it was read: one row of
 * {@code ledger_conflicts}.
 *
 * @param kind     {@link ProjectionSql#USAGE_KIND} or {@link ProjectionSql#ADJUSTMENT_KIND}
 * @param counted  the version that counted when {@code resent} was read; for two versions within one poll, the one
 *                 read first (which may never have counted)
 * @param resent   the version read
 * @param decision what became of it: {@link FirstAccepted.Decision#swaps()} when {@code resent} counts from now on
 * @param topic    the topic {@code resent} was read from
 * @param position where in {@code topic} it was read, or {@code null} when not known
 */
record ResendConflict(String kind, LedgerEvent counted, LedgerEvent resent, FirstAccepted.Decision decision,
        String topic, ProjectionBatch.Position position) {

    boolean swapped() {
        return decision.swaps();
    }
}
