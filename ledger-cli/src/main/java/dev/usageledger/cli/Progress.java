package dev.usageledger.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on stderr: a line at most every {@link #INTERVAL} (units done of all, rows read, rate,
 * estimated time left by the share of units done), and a closing line with the whole run's rate, in a fixed format a
 * benchmark can read: {@code <command>: done, <spans> spans, <rows> ledger rows in <s> s (<rate> rows/s)}. verify and
 * rebuild count spans and ledger rows; replay counts offsets and records ({@code records/s}); import-crs counts keys
 * scanned of the database's size (0 when unknown: no ETA) and rows written, and shows the rate of both; retention's
 * batched deletes count only rows deleted of all ({@link #ofUnits}).
 * Not thread-safe: one command's loop owns it.
 */
public final class Progress {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final String command;
    private final long total;
    private final String unit;
    private final String rowUnit;
    private final String rateUnit;
    /** Whether the lines show the rate of units too ({@code keys/s} besides {@code rows/s}). */
    private final boolean unitRate;
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
        this(command, total, unit, rowUnit, rowUnit.substring(rowUnit.lastIndexOf(' ') + 1) + "/s", false, err,
                nanoTime);
    }

    /**
     * Progress in units of which the first word names their rate ({@code keys scanned}: {@code keys/s}) and rows
     * whose rate is {@code rateUnit}; {@code total} 0 when unknown.
     */
    public static Progress withBothRates(String command, long total, String unit, String rowUnit, String rateUnit,
            PrintWriter err, LongSupplier nanoTime) {
        return new Progress(command, total, unit, rowUnit, rateUnit, true, err, nanoTime);
    }

    /**
     * Progress in units alone, with their rate: {@code unit}'s last word names it ({@code rows deleted}:
     * {@code deleted/s} would read badly, so the rate is {@code rateUnit}).
     */
    static Progress ofUnits(String command, long total, String unit, String rateUnit, PrintWriter err,
            LongSupplier nanoTime) {
        return new Progress(command, total, unit, null, rateUnit, true, err, nanoTime);
    }

    private Progress(String command, long total, String unit, String rowUnit, String rateUnit, boolean unitRate,
            PrintWriter err, LongSupplier nanoTime) {
        this.command = command;
        this.total = total;
        this.unit = unit;
        this.rowUnit = rowUnit;
        this.rateUnit = rateUnit;
        this.unitRate = unitRate;
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
    public void advance(long units, long rowsRead) {
        done += units;
        rows += rowsRead;
        long now = nanoTime.getAsLong();
        if (now - lastPrinted >= INTERVAL.toNanos() && (total == 0 || done < total)) {
            lastPrinted = now;
            double seconds = Math.max(seconds(now), 1e-9);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %d", command, done));
            if (total > 0) {
                line.append('/').append(total);
            }
            line.append(' ').append(unit).append(", ");
            if (rowUnit != null) {
                line.append(String.format(Locale.ROOT, "%,d %s, ", rows, rowUnit));
            }
            line.append(rates(seconds, "%,.0f"));
            if (total > done) {
                long eta = Math.round(seconds / Math.max(done, 1) * (total - done));
                line.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
            }
            err.println(line);
            err.flush();
        }
    }

    public void finish() {
        double elapsed = seconds(nanoTime.getAsLong());
        String counts = rowUnit == null ? done + " " + unit
                : String.format(Locale.ROOT, "%d %s, %d %s", done, unit, rows, rowUnit);
        err.printf(Locale.ROOT, "%s: done, %s in %.3f s (%s)%n", command, counts, elapsed,
                rates(Math.max(elapsed, 1e-9), "%.0f"));
        err.flush();
    }

    public long done() {
        return done;
    }

    public long rows() {
        return rows;
    }

    private String rates(double seconds, String number) {
        if (rowUnit == null) {
            return String.format(Locale.ROOT, number + " %s", done / seconds, rateUnit);
        }
        String rowRate = String.format(Locale.ROOT, number + " %s", rows / seconds, rateUnit);
        if (!unitRate) {
            return rowRate;
        }
        String unitName = unit.split(" ")[0];
        return String.format(Locale.ROOT, number + " %s/s, %s", done / seconds, unitName, rowRate);
    }

    private double seconds(long now) {
        return (now - started) / 1e9;
    }
}
