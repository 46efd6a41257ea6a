package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.read.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The buckets of a CRS trend ({@code usage-trend}, {@code api-keys-usage-trend}, {@code account-usage-trend},
 * src/routes/admin/usageStats.js): {@code granularity=day} is the last {@code days} days up to today (CRS ignores
 * startDate/endDate there), {@code granularity=hour} every UTC hour from {@code startDate} to {@code endDate}
 * (default: the last 24 hours). Each bucket carries the fields that name it in the answer.
 */
record TrendBuckets(String granularity, List<Bucket> buckets) {

    /** One point of a trend: its span and its naming fields ({@code date}, or {@code hour} and {@code label}). */
    record Bucket(Span span, Map<String, Object> head) {}

    /**
     * @param maxBuckets at most this many buckets, or a 400 naming {@code days} or {@code startDate}
     * @param maxHourRange when not null, a longer hour range is a 400 (CRS's usage-trend allows 24 hours)
     */
    static TrendBuckets of(CrsQuery query, CrsCalendar calendar, int maxBuckets, Duration maxHourRange) {
        String granularity = query.choice("granularity", "day", "day", "hour");
        List<Bucket> buckets = new ArrayList<>();
        if (granularity.equals("day")) {
            for (LocalDate date : calendar.lastDays(query.integer("days", 7, 1, maxBuckets))) {
                Map<String, Object> head = new LinkedHashMap<>();
                head.put("date", date.toString());
                buckets.add(new Bucket(calendar.day(date), head));
            }
            return new TrendBuckets(granularity, buckets);
        }
        Instant start = query.instant("startDate");
        Instant end = query.instant("endDate");
        if (start == null || end == null) {
            end = calendar.now();
            start = end.minus(Duration.ofHours(24));
        }
        if (start.isAfter(end)) {
            throw CrsError.invalid("startDate", "must not be after endDate");
        }
        if (maxHourRange != null && Duration.between(start, end).compareTo(maxHourRange) > 0) {
            throw CrsError.invalid("endDate", "must be at most " + maxHourRange.toHours()
                    + " hours after startDate with granularity=hour");
        }
        // the span first (no list of a huge range), then the buckets themselves: both end hours count
        if (Duration.between(start, end).toHours() >= maxBuckets
                || calendar.hours(start, end).size() > maxBuckets) {
            throw CrsError.invalid("endDate", "gives more than " + maxBuckets + " hours after startDate");
        }
        for (Instant hour : calendar.hours(start, end)) {
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("hour", CrsCalendar.iso(hour));
            head.put("label", calendar.hourLabel(hour));
            buckets.add(new Bucket(new Span(hour, hour.plus(Duration.ofHours(1))), head));
        }
        return new TrendBuckets(granularity, buckets);
    }

    boolean daily() {
        return granularity.equals("day");
    }

    List<Span> spans() {
        return buckets.stream().map(Bucket::span).toList();
    }

    /** The end of the last bucket. */
    Instant end() {
        return buckets.get(buckets.size() - 1).span().to();
    }
}
