package dev.usageledger.cli;

import dev.usageledger.projections.mysql.CellDifference;
import java.io.PrintWriter;
import java.time.ZoneOffset;

/**
 * Differing cells on stdout as tab-separated lines, one per differing measure, after a header:
 * {@code table granularity bucket_start subject model measure <left> <right>}, the bucket start an RFC 3339 UTC
 * instant. verify's columns are {@code stored ledger}; rebuild's {@code before after}.
 */
final class CellReport {

    private final PrintWriter out;
    private int cells;

    CellReport(PrintWriter out, String left, String right) {
        this.out = out;
        out.println("table\tgranularity\tbucket_start\tsubject\tmodel\tmeasure\t" + left + "\t" + right);
    }

    void add(CellDifference d) {
        cells++;
        for (String m : d.differingMeasures()) {
            int i = d.measures().indexOf(m);
            out.println(d.table() + "\t" + d.granularity().sqlName() + "\t"
                    + d.bucketStart().atOffset(ZoneOffset.UTC).toInstant() + "\t" + d.subject() + "\t" + d.model()
                    + "\t" + m + "\t" + d.stored().get(i).stripTrailingZeros().toPlainString() + "\t"
                    + d.ledger().get(i).stripTrailingZeros().toPlainString());
        }
        out.flush();
    }

    /** Cells added so far. */
    int cells() {
        return cells;
    }
}
