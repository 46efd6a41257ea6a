package dev.usageledger.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on stderr: a line at most every {@link #INTERVAL} (spans done of all, ledger rows read, rate,
 * estimated time left by the share of spans done), and a closing line with the whole run's rate, in a fixed format a
 * benchmark can read: {@code <command>: done, <spans> spans, <rows> ledger rows in <s> s (<rate> rows/s)}.
 * Not thread-safe: one command's loop owns it.
 */
final class Progress {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final String command;
    private final int totalSpans;
    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastPrinted;
    private int spans;
    private long rows;

    Progress(String command, int totalSpans, PrintWriter err, LongSupplier nanoTime) {
        this.command = command;
        this.totalSpans = totalSpans;
        this.err = err;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** One span done, with the ledger rows it read; prints when the interval has passed. */
    void spanDone(long ledgerRows) {
        spans++;
        rows += ledgerRows;
        long now = nanoTime.getAsLong();
        if (now - lastPrinted >= INTERVAL.toNanos() && spans < totalSpans) {
            lastPrinted = now;
            double seconds = seconds(now);
            double left = seconds / spans * (totalSpans - spans);
            long eta = Math.round(left);
            err.printf(Locale.ROOT, "%s: %d/%d spans, %,d ledger rows, %,.0f rows/s, ETA %d:%02d:%02d%n", command,
                    spans, totalSpans, rows, rows / Math.max(seconds, 1e-9), eta / 3600, eta / 60 % 60, eta % 60);
            err.flush();
        }
    }

    void finish() {
        double seconds = seconds(nanoTime.getAsLong());
        err.printf(Locale.ROOT, "%s: done, %d spans, %d ledger rows in %.3f s (%.0f rows/s)%n", command, spans, rows,
                seconds, rows / Math.max(seconds, 1e-9));
        err.flush();
    }

    private double seconds(long now) {
        return (now - started) / 1e9;
    }
}
