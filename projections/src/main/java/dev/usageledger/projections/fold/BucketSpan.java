package dev.usageledger.projections.fold;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A time span of the ledger, {@code [from, to)}, and the granularities whose buckets lying wholly inside it are built
 * (or checked) from the ledger rows of the span alone: a reporting-zone day with its UTC hours, a reporting-zone month,
 * or a run of UTC hours. Every stats bucket of a granularity in {@link #granularities} that {@link #contains} sums
 * exactly the ledger rows whose {@code occurred_at} lies in the span.
 */
public record BucketSpan(Instant from, Instant to, Set<Granularity> granularities) {

    private static final long SECONDS_PER_HOUR = 3600;

    public BucketSpan {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("empty span " + from + " .. " + to);
        }
        granularities = Set.copyOf(granularities);
    }

    /** Whether the bucket of {@code granularity} starting at {@code bucketStart} (UTC) is built from this span. */
    public boolean contains(Buckets buckets, Granularity granularity, LocalDateTime bucketStart) {
        if (!granularities.contains(granularity)) {
            return false;
        }
        Instant start = bucketStart.toInstant(ZoneOffset.UTC);
        return !start.isBefore(from) && !buckets.end(granularity, start).isAfter(to);
    }

    /** The granularities in the stats tables' key order ({@link StatsKey#ORDER}: by their stored names). */
    public List<Granularity> granularitiesInKeyOrder() {
        List<Granularity> ordered = new ArrayList<>(granularities);
        ordered.sort(Comparator.comparing(Granularity::sqlName));
        return ordered;
    }

    /**
     * The length in seconds of the slots the span's ledger rows may be summed into before they are placed in buckets:
     * no slot crosses a bucket boundary of the span's granularities (the span itself when it holds a single day or
     * month; else the largest divisor of an hour on which the span's ends fall: 30 minutes in Asia/Kolkata).
     */
    public long slotSeconds() {
        long length = Duration.between(from, to).getSeconds();
        if (!granularities.contains(Granularity.HOUR)) {
            return length;
        }
        return gcd(gcd(SECONDS_PER_HOUR, Math.floorMod(from.getEpochSecond(), SECONDS_PER_HOUR)), length);
    }

    /**
     * The spans that cover every bucket lying wholly inside {@code [from, to)}, at every granularity, each bucket in
     * exactly one span: a span per whole reporting-zone day (with the UTC hours inside it), a span per run of whole
     * UTC hours outside those days (at most a day long; in a zone whose days do not start on a UTC hour, such as
     * Asia/Kolkata, the hour that straddles two days is one), a span per whole reporting-zone month. In time order,
     * months last. A partial hour, day or month at either end is not covered.
     */
    public static List<BucketSpan> cover(Buckets buckets, Instant from, Instant to) {
        List<BucketSpan> days = whole(buckets, Granularity.DAY, from, to);
        List<BucketSpan> spans = new ArrayList<>();
        int day = 0;
        Instant runStart = null;
        Instant runEnd = null;
        for (Instant hour = buckets.end(Granularity.HOUR, from.minusNanos(1));
                !hour.plus(Duration.ofHours(1)).isAfter(to); hour = hour.plus(Duration.ofHours(1))) {
            Instant hourEnd = hour.plus(Duration.ofHours(1));
            while (day < days.size() && !days.get(day).to().isAfter(hour)) {
                spans.add(days.get(day++).withHours());
            }
            boolean inDay = day < days.size() && !hour.isBefore(days.get(day).from())
                    && !hourEnd.isAfter(days.get(day).to());
            boolean extends_ = runEnd != null && runEnd.equals(hour)
                    && Duration.between(runStart, hourEnd).compareTo(Duration.ofDays(1)) <= 0;
            if (inDay || !extends_) {
                if (runStart != null) {
                    spans.add(new BucketSpan(runStart, runEnd, EnumSet.of(Granularity.HOUR)));
                }
                runStart = inDay ? null : hour;
                runEnd = inDay ? null : hourEnd;
            } else {
                runEnd = hourEnd;
            }
        }
        if (runStart != null) {
            spans.add(new BucketSpan(runStart, runEnd, EnumSet.of(Granularity.HOUR)));
        }
        while (day < days.size()) {
            spans.add(days.get(day++).withHours());
        }
        spans.sort(Comparator.comparing(BucketSpan::from));
        spans.addAll(whole(buckets, Granularity.MONTH, from, to));
        return List.copyOf(spans);
    }

    private BucketSpan withHours() {
        return new BucketSpan(from, to, EnumSet.of(Granularity.DAY, Granularity.HOUR));
    }

    /** One span per whole bucket of {@code granularity} inside {@code [from, to)}. */
    private static List<BucketSpan> whole(Buckets buckets, Granularity granularity, Instant from, Instant to) {
        List<BucketSpan> out = new ArrayList<>();
        Instant start = buckets.startInstant(granularity, from);
        if (start.isBefore(from)) {
            start = buckets.end(granularity, from);
        }
        while (true) {
            Instant end = buckets.end(granularity, start);
            if (end.isAfter(to)) {
                return out;
            }
            out.add(new BucketSpan(start, end, EnumSet.of(granularity)));
            start = end;
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
