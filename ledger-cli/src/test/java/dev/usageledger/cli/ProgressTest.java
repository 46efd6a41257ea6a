package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void printsAtMostEveryTwoSecondsWithRateAndEtaThenTheClosingRate() {
        AtomicLong nanos = new AtomicLong();
        StringWriter text = new StringWriter();
        Progress progress = new Progress("verify", 4, new PrintWriter(text), nanos::get);

        nanos.set(1_000_000_000L);
        progress.spanDone(1_000);
        assertThat(text.toString()).isEmpty();
        nanos.set(2_000_000_000L);
        progress.spanDone(3_000);
        assertThat(text.toString()).isEqualTo("verify: 2/4 spans, 4,000 ledger rows, 2,000 rows/s, ETA 0:00:02\n");
        nanos.set(3_000_000_000L);
        progress.spanDone(2_000);
        nanos.set(5_000_000_000L);
        progress.spanDone(4_000);
        progress.finish();
        assertThat(text.toString().lines()).containsExactly(
                "verify: 2/4 spans, 4,000 ledger rows, 2,000 rows/s, ETA 0:00:02",
                "verify: done, 4 spans, 10000 ledger rows in 5.000 s (2000 rows/s)");
    }

    @Test
    void countsUnitsAloneOrShowsTheRateOfBoth() {
        AtomicLong nanos = new AtomicLong();
        StringWriter text = new StringWriter();
        Progress deletes = Progress.ofUnits("retention: usage_stats", 5_000, "rows deleted", "rows/s",
                new PrintWriter(text), nanos::get);
        nanos.set(2_000_000_000L);
        deletes.advance(1_000, 0);
        deletes.advance(1_000, 0);
        nanos.set(4_000_000_000L);
        deletes.advance(3_000, 0);
        deletes.finish();
        Progress scan = Progress.withBothRates("import-crs", 0, "keys scanned", "rows written", "rows/s",
                new PrintWriter(text), nanos::get);
        nanos.set(6_000_000_000L);
        scan.advance(4_000, 2_000);
        scan.finish();
        assertThat(text.toString().lines()).containsExactly(
                "retention: usage_stats: 1000/5000 rows deleted, 500 rows/s, ETA 0:00:08",
                "retention: usage_stats: done, 5000 rows deleted in 4.000 s (1250 rows/s)",
                "import-crs: 4000 keys scanned, 2,000 rows written, 2,000 keys/s, 1,000 rows/s",
                "import-crs: done, 4000 keys scanned, 2000 rows written in 2.000 s (2000 keys/s, 1000 rows/s)");
    }
}
