package dev.usageledger.statsapi.crs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters of a CRS-compatible read, named and defaulted as CRS takes them; the first bad one is a 400 naming
 * it (where CRS would quietly fall back, e.g. {@code parseInt(days) || 7}, this answers 400: a typo is not a default).
 */
final class CrsQuery {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern LOCAL_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern MODEL = Pattern.compile("[\\x20-\\x7E]{1,128}");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

    private final Map<String, ?> values;
    private final ZoneId zone;

    CrsQuery(Map<String, ?> values, ZoneId zone) {
        this.values = values;
        this.zone = zone;
    }

    String get(String name) {
        Object value = values.get(name);
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }

    boolean has(String name) {
        return get(name) != null;
    }

    /** One of {@code allowed}, spelled exactly; {@code fallback} when absent. */
    String choice(String name, String fallback, String... allowed) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        if (Arrays.asList(allowed).contains(value)) {
            return value;
        }
        throw CrsError.invalid(name, "must be one of " + String.join(", ", allowed) + ", was '" + printable(value) + "'");
    }

    /** An integer within [min, max]; {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        if (INTEGER.matcher(value).matches()) {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        }
        throw CrsError.invalid(name, "must be an integer from " + min + " to " + max + ", was '" + printable(value) + "'");
    }

    /**
     * An instant as JavaScript's {@code new Date(value)} takes CRS's parameters: an RFC 3339 instant, a date (midnight
     * in the reporting zone) or a local date-time (in the reporting zone); null when absent.
     */
    Instant instant(String name) {
        String value = get(name);
        if (value == null) {
            return null;
        }
        try {
            if (DATE.matcher(value).matches()) {
                return LocalDate.parse(value).atStartOfDay(zone).toInstant();
            }
            if (LOCAL_TIME.matcher(value).matches()) {
                return LocalDateTime.parse(value.replace(' ', 'T')).atZone(zone).toInstant();
            }
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            throw CrsError.invalid(name, "must be a date YYYY-MM-DD or an RFC 3339 instant, was '" + printable(value)
                    + "'");
        }
    }

    /** The reporting-zone date of {@link #instant}, as CRS takes a date parameter's day; null when absent. */
    LocalDate date(String name) {
        Instant instant = instant(name);
        return instant == null ? null : LocalDate.ofInstant(instant, zone);
    }

    /** An API key id or account id (CONTRACT §1's id rule); null when absent. */
    String id(String name) {
        String value = get(name);
        if (value != null && !ID.matcher(value).matches()) {
            throw CrsError.invalid(name, "must be 1 to 128 characters of [A-Za-z0-9._:-]");
        }
        return value;
    }

    /** A path segment that is an id, checked like {@link #id}. */
    static String pathId(String name, String value, ZoneId zone) {
        return new CrsQuery(Map.of(name, value), zone).id(name);
    }

    /** A model name; null when absent. */
    String model(String name) {
        String value = get(name);
        if (value != null && !MODEL.matcher(value).matches()) {
            throw CrsError.invalid(name, "must be 1 to 128 characters of printable ASCII");
        }
        return value;
    }

    /** A value as a message may quote it: at most 64 characters, control characters replaced. */
    private static String printable(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
