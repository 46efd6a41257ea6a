package dev.usageledger.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on stderr: a line at most every {@link #INTERVAL} (units done of all, rows read, rate,
 * estimated time left by the share of units done), and a closing line with the whole run's rate, in a fixed format a
 * benchmark can read: {@code <command>: done, <spans> spans, <rows> ledger rows in <s> s (<rate> rows/s)}. verify and
 * rebuild count spans and ledger rows; replay counts offsets and records ({@code records/s}).
 * Not thread-safe: one command's loop owns it.
 */
final class Progress {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final String command;
    private final long total;
    private final String unit;
    private final String rowUnit;
    private final String rateUnit;
    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastPrinted;
    private long done;
    private long rows;

    /** Progress in spans and ledger rows. */
    Progress(String command, int totalSpans, PrintWriter err, LongSupplier nanoTime) {
        this(command, totalSpans, "spans", "ledger rows", err, nanoTime);
    }

    /**
     * @param unit    what {@code total} counts ({@code spans}, {@code offsets})
     * @param rowUnit what the rows are ({@code ledger rows}, {@code records}); its last word names the rate
     */
    Progress(String command, long total, String unit, String rowUnit, PrintWriter err, LongSupplier nanoTime) {
        this.command = command;
        this.total = total;
        this.unit = unit;
        this.rowUnit = rowUnit;
        this.rateUnit = rowUnit.substring(rowUnit.lastIndexOf(' ') + 1) + "/s";
        this.err = err;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** One span done, with the ledger rows it read; prints when the interval has passed. */
    void spanDone(long ledgerRows) {
        advance(1, ledgerRows);
    }

    /** {@code units} more done, with the rows they read; prints when the interval has passed. */
    void advance(long units, long rowsRead) {
        done += units;
        rows += rowsRead;
        long now = nanoTime.getAsLong();
        if (now - lastPrinted >= INTERVAL.toNanos() && done < total) {
            lastPrinted = now;
            double seconds = seconds(now);
            double left = seconds / Math.max(done, 1) * (total - done);
            long eta = Math.round(left);
            err.printf(Locale.ROOT, "%s: %d/%d %s, %,d %s, %,.0f %s, ETA %d:%02d:%02d%n", command, done, total, unit,
                    rows, rowUnit, rows / Math.max(seconds, 1e-9), rateUnit, eta / 3600, eta / 60 % 60, eta % 60);
            err.flush();
        }
    }

    void finish() {
        double seconds = seconds(nanoTime.getAsLong());
        err.printf(Locale.ROOT, "%s: done, %d %s, %d %s in %.3f s (%.0f %s)%n", command, done, unit, rows, rowUnit,
                seconds, rows / Math.max(seconds, 1e-9), rateUnit);
        err.flush();
    }

    private double seconds(long now) {
        return (now - started) / 1e9;
    }
}
