package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.Granularity;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One stats cell whose stored measures differ from the ledger's sums (CONTRACT §3). A missing row reads as zeros, so a
 * stored all-zero row and no row are the same cell.
 *
 * @param table       the stats table
 * @param bucketStart the bucket's start, UTC
 * @param subject     the api key id, account id, or model (of {@code model_stats})
 * @param model       the model; {@code ""} ({@link dev.usageledger.projections.fold.StatsKey#ROLLUP}) in a rollup
 * @param measures    the table's measure columns, in order
 * @param stored      the stored values, in {@code measures} order (zeros when there is no row)
 * @param ledger      the ledger's sums, in {@code measures} order
 * @param storedRow   whether the table holds a row for the cell
 */
public record CellDifference(String table, Granularity granularity, LocalDateTime bucketStart, String subject,
        String model, List<String> measures, List<BigDecimal> stored, List<BigDecimal> ledger, boolean storedRow) {

    public CellDifference {
        measures = List.copyOf(measures);
        stored = List.copyOf(stored);
        ledger = List.copyOf(ledger);
    }

    /** The measures whose stored value differs from the ledger's. */
    public List<String> differingMeasures() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < measures.size(); i++) {
            if (stored.get(i).compareTo(ledger.get(i)) != 0) {
                out.add(measures.get(i));
            }
        }
        return out;
    }

    /** Whether the ledger sums to zero in every measure: the cell is written as no row. */
    public boolean ledgerZero() {
        return ledger.stream().allMatch(v -> v.signum() == 0);
    }
}
