package dev.usageledger.cli.crs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * CRS's time bucketing: a fixed UTC offset of whole hours ({@code TIMEZONE_OFFSET}, read by CRS with
 * {@code parseInt(...) || 8}, so never a fraction, and 0 means +8), no daylight saving. Turns a bucket label into the
 * UTC instants at which the bucket starts and ends, and back.
 */
public record CrsOffset(ZoneOffset offset) {

    public static final CrsOffset DEFAULT = ofHours(8);

    /** -12 ... +14 hours; an {@link IllegalArgumentException} otherwise. */
    public static CrsOffset ofHours(int hours) {
        if (hours < -12 || hours > 14) {
            throw new IllegalArgumentException("a UTC offset of -12 to +14 hours, not " + hours);
        }
        return new CrsOffset(ZoneOffset.ofHours(hours));
    }

    /** {@code +8}, {@code 8}, {@code -5}: whole hours as CRS's TIMEZONE_OFFSET takes them. */
    public static CrsOffset parse(String text) {
        try {
            return ofHours(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("whole hours such as +8 or -5, not " + text);
        }
    }

    public int minutes() {
        return offset.getTotalSeconds() / 60;
    }

    /** The UTC instant at which the bucket {@code label} starts; a {@link DateTimeException} for a bad label. */
    public Instant start(Granularity granularity, String label) {
        return granularity.parse(label).toInstant(offset);
    }

    /** The UTC instant at which the bucket that starts at {@code start} ends. */
    public Instant end(Granularity granularity, Instant start) {
        return granularity.next(LocalDateTime.ofInstant(start, offset)).toInstant(offset);
    }

    /** CRS's label of the bucket that starts at {@code start}. */
    public String label(Granularity granularity, Instant start) {
        return granularity.label(LocalDateTime.ofInstant(start, offset));
    }

    @Override
    public String toString() {
        return offset.getId();
    }
}
