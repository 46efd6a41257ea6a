package dev.usageledger.statsapi.read;

import dev.usageledger.statsapi.read.ReadSql.Table;
import dev.usageledger.statsapi.read.StatsReader.Accumulator;
import dev.usageledger.statsapi.read.StatsReader.Slot;
import dev.usageledger.statsapi.read.Tiling.Piece;
import dev.usageledger.statsapi.read.Tiling.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The baseline buckets of CRS imports (V9, docs/crs-import.md) that an answer adds, and their sums. Each import is
 * tiled on its own: every span up to the import's cutoff (a baseline bucket ends at or before it), into whole buckets
 * of the import's offset — months, days and hours where the answer's zone has that offset over the whole range, else
 * UTC hours alone; what no whole baseline bucket covers (a part of an hour) gets nothing from the baseline. An
 * import's hour, day and month rows count the same requests: the tiling takes exactly one of them for every instant.
 * A planned entry is one bucket, or (hours alone) the run of whole hours of one span, so that an all-time span plans
 * one entry, not one per hour.
 */
final class BaselinePlan {

    private BaselinePlan() {}

    /** One import: its id, CRS's offset and its cutoff. */
    record Import(String id, ZoneOffset offset, Instant cutoff) {}

    /** One import's buckets to add, per granularity, each to the span it counts for. */
    record Planned(Import source, boolean daysAndMonths, String reason,
            Map<Source, TreeMap<LocalDateTime, Slot>> buckets) {}

    /** Every import, in id order: one short statement in the answer's snapshot, none where nothing was imported. */
    static List<Import> imports(Connection c) throws SQLException {
        List<Import> imports = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ReadSql.CRS_IMPORTS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                imports.add(new Import(rs.getString(1), ZoneOffset.ofTotalSeconds(rs.getInt(2) * 60),
                        rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
            }
        }
        return imports;
    }

    /** The buckets of each import that {@code spans} (in time order, of an answer in {@code zone}) add. */
    static List<Planned> plan(List<Import> imports, List<Span> spans, ZoneId zone) {
        List<Planned> plans = new ArrayList<>(imports.size());
        if (spans.isEmpty()) {
            return plans;
        }
        Instant from = spans.get(0).from();
        Instant to = spans.get(spans.size() - 1).to();
        for (Import source : imports) {
            boolean aligned = sameOffset(zone, source.offset(), from, to);
            String reason = aligned ? null : "CRS import " + source.id() + " is bucketed at " + offsetId(source.offset())
                    + ", the zone " + zone.getId() + " is not at that offset over the whole range: its days and"
                    + " months are left out, its hours added";
            Tiling tiling = new Tiling(source.offset());
            Map<Source, TreeMap<LocalDateTime, Slot>> buckets = new EnumMap<>(Source.class);
            for (int i = 0; i < spans.size(); i++) {
                Span span = spans.get(i);
                Instant end = span.to().isAfter(source.cutoff()) ? source.cutoff() : span.to();
                if (!span.from().isBefore(end)) {
                    continue;
                }
                if (!aligned) {
                    Instant first = span.from().truncatedTo(ChronoUnit.HOURS);
                    first = first.equals(span.from()) ? first : first.plus(1, ChronoUnit.HOURS);
                    Instant last = end.truncatedTo(ChronoUnit.HOURS);
                    if (first.isBefore(last)) {
                        buckets.computeIfAbsent(Source.HOUR, s -> new TreeMap<>())
                                .put(StatsReader.utc(first), new Slot(i, last));
                    }
                    continue;
                }
                for (Piece piece : tiling.tile(span.from(), end)) {
                    if (piece.source() != Source.LEDGER) {
                        buckets.computeIfAbsent(piece.source(), s -> new TreeMap<>())
                                .put(StatsReader.utc(piece.start()), new Slot(i, piece.end()));
                    }
                }
            }
            plans.add(new Planned(source, aligned, reason, buckets));
        }
        return plans;
    }

    /**
     * Adds the planned baseline rows of {@code table} to {@code sums}, per span and group of {@code groupBy}.
     *
     * @return the requests added whose cost is unknown
     */
    static long readSums(Connection c, List<Planned> plans, Table table, Dimension groupBy, Filters filters,
            Accumulator sums) throws SQLException {
        long costUnknown = 0;
        for (Planned plan : plans) {
            for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> granularity : plan.buckets().entrySet()) {
                TreeMap<LocalDateTime, Slot> buckets = granularity.getValue();
                List<LocalDateTime[]> ranges = StatsReader.ranges(buckets);
                for (int from = 0; from < ranges.size(); from += StatsReader.PER_STATEMENT) {
                    List<LocalDateTime[]> chunk = ranges.subList(from,
                            Math.min(ranges.size(), from + StatsReader.PER_STATEMENT));
                    String sql = ReadSql.storedSums(table, groupBy, filters, chunk.size());
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        int p = 1;
                        ps.setString(p++, plan.source().id());
                        ps.setString(p++, granularity.getKey().granularity());
                        for (LocalDateTime[] range : chunk) {
                            ps.setObject(p++, range[0]);
                            ps.setObject(p++, range[1]);
                        }
                        for (String value : filters.values()) {
                            ps.setString(p++, value);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                Slot slot = planned(buckets, rs.getObject(1, LocalDateTime.class), plan, table);
                                sums.slot(slot.span(), rs.getString(2)).add(rs, 3);
                                costUnknown += rs.getLong(3 + Measures.NAMES.size());
                            }
                        }
                    }
                }
            }
        }
        return costUnknown;
    }

    /** What the answer says of the baseline: null where nothing was imported. */
    static Baseline answer(List<Planned> plans, long costUnknownRequests) {
        if (plans.isEmpty()) {
            return null;
        }
        List<Baseline.Use> uses = new ArrayList<>(plans.size());
        for (Planned plan : plans) {
            uses.add(new Baseline.Use(plan.source().id(), plan.source().offset(), plan.source().cutoff(),
                    plan.daysAndMonths(), plan.reason()));
        }
        return new Baseline(uses, costUnknownRequests);
    }

    /** Whether {@code zone} has {@code offset} at every instant of {@code [from, to)}. */
    static boolean sameOffset(ZoneId zone, ZoneOffset offset, Instant from, Instant to) {
        if (!zone.getRules().getOffset(from).equals(offset)) {
            return false;
        }
        ZoneOffsetTransition next = zone.getRules().nextTransition(from);
        return next == null || !next.getInstant().isBefore(to);
    }

    /**
     * The planned entry a baseline row starts in. Within a planned range every row of the import starts in one (its
     * offset's hours, days and months); any other start is a damaged baseline: refuse to answer.
     */
    private static Slot planned(TreeMap<LocalDateTime, Slot> buckets, LocalDateTime start, Planned plan, Table table) {
        Map.Entry<LocalDateTime, Slot> entry = buckets.floorEntry(start);
        Slot slot = entry == null || !start.isBefore(StatsReader.utc(entry.getValue().end())) ? null : entry.getValue();
        if (slot == null) {
            throw new IllegalStateException("a row of " + table.name + " of CRS import " + plan.source().id()
                    + " starts at " + start + " UTC, not a bucket of its offset " + offsetId(plan.source().offset()));
        }
        return slot;
    }

    private static String offsetId(ZoneOffset offset) {
        return offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId();
    }
}
