package dev.usageledger.cli.crs;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a SCAN on stderr, at most every {@link #INTERVAL}: keys scanned (of the database's size when known, with
 * an estimate of the time left), rows written, rates; and a closing line in a fixed format a benchmark can read:
 * {@code <command>: done, <keys> keys scanned, <rows> rows written in <s> s (<k> keys/s, <r> rows/s)}. Not
 * thread-safe: one loop owns it.
 */
public final class ScanProgress {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final String command;
    private final long totalKeys;
    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastPrinted;
    private long keys;
    private long rows;

    /** {@code totalKeys}: the keys the SCAN may return (DBSIZE), or 0 when unknown. */
    public ScanProgress(String command, long totalKeys, PrintWriter err, LongSupplier nanoTime) {
        this.command = command;
        this.totalKeys = totalKeys;
        this.err = err;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** One SCAN page done; prints when the interval has passed. */
    public void pageDone(long pageKeys, long pageRows) {
        keys += pageKeys;
        rows += pageRows;
        long now = nanoTime.getAsLong();
        if (now - lastPrinted < INTERVAL.toNanos()) {
            return;
        }
        lastPrinted = now;
        double seconds = Math.max((now - started) / 1e9, 1e-9);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %,d", command, keys));
        if (totalKeys > 0) {
            line.append(String.format(Locale.ROOT, "/%,d", totalKeys));
        }
        line.append(String.format(Locale.ROOT, " keys scanned, %,d rows written, %,.0f keys/s, %,.0f rows/s", rows,
                keys / seconds, rows / seconds));
        if (totalKeys > keys && keys > 0) {
            long eta = Math.round(seconds / keys * (totalKeys - keys));
            line.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
        }
        err.println(line);
        err.flush();
    }

    public long keys() {
        return keys;
    }

    public long rows() {
        return rows;
    }

    public void finish() {
        double seconds = Math.max((nanoTime.getAsLong() - started) / 1e9, 1e-9);
        err.printf(Locale.ROOT, "%s: done, %d keys scanned, %d rows written in %.3f s (%.0f keys/s, %.0f rows/s)%n",
                command, keys, rows, seconds, keys / seconds, rows / seconds);
        err.flush();
    }
}
