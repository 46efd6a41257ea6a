package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.BucketSpan;
import java.util.List;

/**
 * What checking or rebuilding one {@link BucketSpan} found.
 *
 * @param differences every cell of the span whose stored measures differed from the ledger, in the stats tables'
 *                    order and primary-key order within each (for a rebuild: before → after)
 * @param ledgerRows  ledger rows ({@code usage_records} and {@code cost_adjustments}) read for the span
 */
public record SpanResult(BucketSpan span, List<CellDifference> differences, long ledgerRows) {

    public SpanResult {
        differences = List.copyOf(differences);
    }
}
