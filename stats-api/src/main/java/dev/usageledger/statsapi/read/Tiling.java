package dev.usageledger.statsapi.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an interval of instants into the coarsest stored rows that tile it exactly: whole months of the reporting
 * zone, then whole days of the reporting zone at the edges, then whole UTC hours, and the ledger for what remains
 * (less than an hour at each edge, e.g. the half hours of Asia/Kolkata). Nothing is ever approximated: every instant
 * of the interval is covered by exactly one piece. Pure; the pieces come in time order.
 */
public final class Tiling {

    /** Where a piece's numbers come from: a stored granularity, or the ledger rows themselves. */
    public enum Source {
        MONTH("month"),
        DAY("day"),
        HOUR("hour"),
        LEDGER(null);

        private final String granularity;

        Source(String granularity) {
            this.granularity = granularity;
        }

        /** The {@code granularity} column's value; {@code null} for the ledger. */
        public String granularity() {
            return granularity;
        }

        Source finer() {
            return values()[ordinal() + 1];
        }
    }

    /** {@code [start, end)}; for a stored source exactly one bucket of that granularity. */
    public record Piece(Source source, Instant start, Instant end) {}

    private final ZoneId reportingZone;

    public Tiling(ZoneId reportingZone) {
        this.reportingZone = reportingZone;
    }

    /** The zone of the day and month buckets. */
    public ZoneId zone() {
        return reportingZone;
    }

    public List<Piece> tile(Instant from, Instant to) {
        List<Piece> pieces = new ArrayList<>();
        tile(from, to, Source.MONTH, pieces);
        return pieces;
    }

    private void tile(Instant from, Instant to, Source source, List<Piece> pieces) {
        if (!from.isBefore(to)) {
            return;
        }
        if (source == Source.LEDGER) {
            pieces.add(new Piece(Source.LEDGER, from, to));
            return;
        }
        Instant first = firstBoundary(source, from);
        List<Piece> whole = new ArrayList<>();
        Instant end = first;
        for (Instant next = next(source, end); !next.isAfter(to); next = next(source, end)) {
            whole.add(new Piece(source, end, next));
            end = next;
        }
        if (whole.isEmpty()) {
            tile(from, to, source.finer(), pieces);
            return;
        }
        tile(from, first, source.finer(), pieces);
        pieces.addAll(whole);
        tile(end, to, source.finer(), pieces);
    }

    /** The first bucket start of {@code source} at or after {@code instant}. */
    private Instant firstBoundary(Source source, Instant instant) {
        Instant floor = switch (source) {
            case HOUR -> instant.truncatedTo(ChronoUnit.HOURS);
            case DAY -> dayStart(instant.atZone(reportingZone).toLocalDate());
            case MONTH -> dayStart(instant.atZone(reportingZone).toLocalDate().withDayOfMonth(1));
            case LEDGER -> throw new IllegalArgumentException("the ledger has no buckets");
        };
        return floor.equals(instant) ? floor : next(source, floor);
    }

    /** The start of the bucket after the one starting at {@code start}. */
    private Instant next(Source source, Instant start) {
        return switch (source) {
            case HOUR -> start.plus(1, ChronoUnit.HOURS);
            case DAY -> dayStart(start.atZone(reportingZone).toLocalDate().plusDays(1));
            case MONTH -> dayStart(start.atZone(reportingZone).toLocalDate().withDayOfMonth(1).plusMonths(1));
            case LEDGER -> throw new IllegalArgumentException("the ledger has no buckets");
        };
    }

    /** A day's first instant in the reporting zone, as the projection computes {@code bucket_start}. */
    private Instant dayStart(LocalDate date) {
        return date.atStartOfDay(reportingZone).toInstant();
    }
}
