package dev.usageledger.stack;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One phase of long work (the bench's and the demo's), reported as a line at most every {@link #EVERY} and once
 * at the end: {@code "P1 live raw: 120,000/200,000 events (60%), 17,400/s, ETA 5 s"}. Thread-safe: workers may
 * report concurrently. Lines only go to the sink; the work is never slowed beyond one clock read per report.
 */
public final class Progress implements AutoCloseable {

    /** Least time between two lines of one phase. */
    public static final Duration EVERY = Duration.ofSeconds(2);

    private final String phase;
    private final long total;
    private final InstantSource clock;
    private final Consumer<String> sink;
    private final Duration every;
    private final Instant start;
    private final AtomicLong done = new AtomicLong();
    private Instant lastLine;
    private boolean finished;

    /**
     * @param phase what the lines start with, e.g. {@code "P1 live raw"}
     * @param total events the phase will have done at its end; 0 or less when unknown (no percentage, no ETA)
     */
    public Progress(String phase, long total, InstantSource clock, Consumer<String> sink, Duration every) {
        this.phase = phase;
        this.total = total;
        this.clock = clock;
        this.sink = sink;
        this.every = every;
        this.start = clock.instant();
        this.lastLine = start;
    }

    /** A phase reported to standard error, the system clock, a line at most every {@link #EVERY}. */
    public static Progress onStderr(String phase, long total) {
        return new Progress(phase, total, InstantSource.system(), System.err::println, EVERY);
    }

    /** A phase reported to standard output (a console program's own output), otherwise as {@link #onStderr}. */
    public static Progress onStdout(String phase, long total) {
        return new Progress(phase, total, InstantSource.system(), System.out::println, EVERY);
    }

    /** {@code n} more events done. */
    public void advance(long n) {
        report(done.addAndGet(n));
    }

    /** {@code count} events done in all so far (a figure read from outside: a count never goes back). */
    public void reached(long count) {
        report(done.accumulateAndGet(count, Math::max));
    }

    /** Ends the phase with its summary line; later reports print nothing. Idempotent. */
    @Override
    public void close() {
        Instant now = clock.instant();
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            long n = done.get();
            double seconds = Duration.between(start, now).toNanos() / 1e9;
            sink.accept(String.format(Locale.ROOT, "%s: %,d events in %.1f s, %s", phase, n, seconds,
                    rate(n, seconds)));
        }
    }

    private void report(long n) {
        Instant now = clock.instant();
        synchronized (this) {
            // All done: the summary line at close says it.
            if (finished || (total > 0 && n >= total) || Duration.between(lastLine, now).compareTo(every) < 0) {
                return;
            }
            lastLine = now;
            sink.accept(line(n, Duration.between(start, now).toNanos() / 1e9));
        }
    }

    private String line(long n, double seconds) {
        String rate = rate(n, seconds);
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s: %,d events, %s", phase, n, rate);
        }
        double perSecond = seconds <= 0 ? 0 : n / seconds;
        String eta = perSecond <= 0 ? "ETA unknown"
                : String.format(Locale.ROOT, "ETA %d s", (long) Math.ceil(Math.max(0, total - n) / perSecond));
        return String.format(Locale.ROOT, "%s: %,d/%,d events (%d%%), %s, %s", phase, n, total, n * 100 / total,
                rate, eta);
    }

    private static String rate(long n, double seconds) {
        return String.format(Locale.ROOT, "%,.0f/s", seconds <= 0 ? 0 : n / seconds);
    }
}
