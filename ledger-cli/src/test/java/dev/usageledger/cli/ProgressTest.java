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
}
