package dev.usageledger.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a batched delete on stderr: a line at most every {@link Progress#INTERVAL} (rows done of all, rate,
 * estimated time left), and a closing line {@code <command>: <what>: <rows> rows deleted in <s> s (<rate> rows/s)}.
 * Not thread-safe: one loop owns it.
 */
final class BatchProgress {

    private final String prefix;
    private final long total;
    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastPrinted;
    private long rows;

    BatchProgress(String command, String what, long total, PrintWriter err, LongSupplier nanoTime) {
        this.prefix = command + ": " + what;
        this.total = total;
        this.err = err;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** One batch done; prints when the interval has passed. */
    void batchDone(long deleted) {
        rows += deleted;
        long now = nanoTime.getAsLong();
        if (now - lastPrinted >= Progress.INTERVAL.toNanos() && rows < total) {
            lastPrinted = now;
            double rate = rows / Math.max(seconds(now), 1e-9);
            long eta = Math.round((total - rows) / Math.max(rate, 1e-9));
            err.printf(Locale.ROOT, "%s: %,d/%,d rows deleted, %,.0f rows/s, ETA %d:%02d:%02d%n", prefix, rows, total,
                    rate, eta / 3600, eta / 60 % 60, eta % 60);
            err.flush();
        }
    }

    void finish() {
        double seconds = seconds(nanoTime.getAsLong());
        err.printf(Locale.ROOT, "%s: %d rows deleted in %.3f s (%.0f rows/s)%n", prefix, rows, seconds,
                rows / Math.max(seconds, 1e-9));
        err.flush();
    }

    private double seconds(long now) {
        return (now - started) / 1e9;
    }
}
