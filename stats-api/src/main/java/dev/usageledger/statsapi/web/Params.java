package dev.usageledger.statsapi.web;

import dev.usageledger.statsapi.read.Filters;
import dev.usageledger.statsapi.web.ErrorBody.Violation;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The query parameters of one read, parsed with every broken rule collected ({@link #check()} throws them together
 * as a {@link BadRequest}, each naming its parameter). Not thread-safe; one per request.
 */
final class Params {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern MODEL = Pattern.compile("[\\x20-\\x7E]{1,128}");

    private final Map<String, String> values;
    private final List<Violation> violations = new ArrayList<>();

    Params(Map<String, String> values) {
        this.values = values;
    }

    void reject(String field, String message) {
        violations.add(new Violation(field, message));
    }

    /** Throws every violation so far as one 400. */
    void check() {
        if (!violations.isEmpty()) {
            throw new BadRequest(violations);
        }
    }

    boolean valid() {
        return violations.isEmpty();
    }

    /** The value of one of {@code allowed} (spelled exactly), {@code fallback} when absent, or a violation. */
    <T> T choice(String field, Function<String, Optional<T>> parse, T fallback, String allowed) {
        String value = values.get(field);
        if (value == null) {
            if (fallback == null) {
                reject(field, "is required: one of " + allowed);
            }
            return fallback;
        }
        Optional<T> parsed = parse.apply(value);
        if (parsed.isEmpty()) {
            reject(field, "must be one of " + allowed + ", was '" + printable(value) + "'");
        }
        return parsed.orElse(fallback);
    }

    /** An IANA zone id, the reporting zone when absent. */
    ZoneId zone(ZoneId fallback) {
        String value = values.get("zone");
        if (value == null) {
            return fallback;
        }
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            reject("zone", "must be an IANA time zone id such as Europe/Berlin, was '" + printable(value) + "'");
            return null;
        }
    }

    /** A required RFC 3339 instant, or a date {@code YYYY-MM-DD} taken as midnight in {@code zone}. */
    Instant instant(String field, ZoneId zone) {
        String value = values.get(field);
        if (value == null) {
            reject(field, "is required: an RFC 3339 instant or a date YYYY-MM-DD");
            return null;
        }
        try {
            if (DATE.matcher(value).matches()) {
                return zone == null ? null : LocalDate.parse(value).atStartOfDay(zone).toInstant();
            }
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            reject(field, "must be an RFC 3339 instant with an offset (2026-11-22T10:15:30Z) or a date YYYY-MM-DD, was '"
                    + printable(value) + "'");
            return null;
        }
    }

    /** {@code from} and {@code to}, {@code from} strictly before {@code to}; null when either is invalid. */
    Instant[] range(ZoneId zone) {
        Instant from = instant("from", zone);
        Instant to = instant("to", zone);
        if (from == null || to == null) {
            return null;
        }
        if (!from.isBefore(to)) {
            reject("from", "must be before to");
            reject("to", "must be after from");
            return null;
        }
        return new Instant[] {from, to};
    }

    /** An integer within [1, max], {@code fallback} when absent. */
    int limit(int fallback, int max) {
        String value = values.get("limit");
        if (value == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        reject("limit", "must be an integer from 1 to " + max + ", was '" + printable(value) + "'");
        return fallback;
    }

    Filters filters() {
        return new Filters(id("apiKeyId", ID), id("model", MODEL), id("accountId", ID));
    }

    private String id(String field, Pattern rule) {
        String value = values.get(field);
        if (value != null && !rule.matcher(value).matches()) {
            reject(field, "must be 1 to 128 characters of " + (rule == ID ? "[A-Za-z0-9._:-]" : "printable ASCII"));
            return null;
        }
        return value;
    }

    String get(String field) {
        return values.get(field);
    }

    /** CSV when {@code format=csv}, or without {@code format} when the client accepts {@code text/csv}. */
    boolean csv(String accept) {
        String format = values.get("format");
        if (format == null) {
            return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv");
        }
        if (!format.equals("csv") && !format.equals("json")) {
            reject("format", "must be json or csv, was '" + printable(format) + "'");
        }
        return format.equals("csv");
    }

    /** A value as a message may quote it: at most 64 characters, control characters replaced. */
    private static String printable(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
