package dev.usageledger.statsapi.read;

import dev.usageledger.statsapi.read.ReadSql.Projection;
import dev.usageledger.statsapi.read.ReadSql.Table;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Sums of the measures per span and group, exact: each span is tiled into the coarsest stored rows that cover it
 * ({@link Tiling}) and the ledger for the rest, plus the whole buckets of history imported from Claude Relay Service
 * that align with the answer's zone ({@link BaselinePlan}); every statement of one answer reads the same snapshot (one
 * {@code REPEATABLE READ} transaction), so stored rows and ledger rows agree with each other and with
 * {@code projectedAt}. Thread-safe.
 */
public final class StatsReader {

    /** Bounds a statement's text: ranges or ledger pieces per statement. */
    static final int PER_STATEMENT = 200;

    private final DataSource dataSource;
    private final Tiling tiling;

    public StatsReader(DataSource dataSource, Tiling tiling) {
        this.dataSource = dataSource;
        this.tiling = tiling;
    }

    /**
     * @param groups per group (null without grouping), the sums per span in the order of the spans; groups in
     *               ascending order, a group whose every sum is zero left out (without grouping the one group is
     *               always there)
     * @param baseline what was added of the CRS baseline; null where nothing was imported
     */
    public record Sums(Map<String, Measures[]> groups, Instant projectedAt, Baseline baseline) {}

    /** One top-list entry. */
    public record Ranked(String group, Measures measures) {}

    /** A top list, largest first; {@code baseline} as in {@link Sums}. */
    public record Top(List<Ranked> items, Instant projectedAt, Baseline baseline) {}

    /** {@link #sums(List, Dimension, Filters, int, ZoneId)} of spans of the reporting zone. */
    public Sums sums(List<Span> spans, Dimension groupBy, Filters filters, int maxGroups) {
        return sums(spans, groupBy, filters, maxGroups, tiling.zone());
    }

    /**
     * The sums per span of {@code spans} (in time order, buckets of {@code zone}) and group of {@code groupBy}.
     *
     * @throws TooManyGroupsException when more than {@code maxGroups} groups have rows
     */
    public Sums sums(List<Span> spans, Dimension groupBy, Filters filters, int maxGroups, ZoneId zone) {
        Projection projection = Projection.of(groupBy, filters);
        Plan plan = plan(spans);
        Accumulator sums = new Accumulator(spans.size(), maxGroups);
        if (groupBy == Dimension.NONE) {
            sums.slot(0, null);
        }
        return inSnapshot(c -> {
            Instant projectedAt = projectedAt(c);
            for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> stored : plan.stored.entrySet()) {
                for (Table table : projection.stored) {
                    readStored(c, table, stored.getKey(), stored.getValue(), groupBy, filters, sums);
                }
            }
            for (Table table : Projection.LEDGER) {
                readLedger(c, table, projection, plan.ledger, groupBy, filters, sums);
            }
            List<BaselinePlan.Planned> baseline = BaselinePlan.plan(BaselinePlan.imports(c), spans, zone);
            long costUnknown = BaselinePlan.readSums(c, baseline, projection.baseline, groupBy, filters, sums);
            return new Sums(sums.result(groupBy != Dimension.NONE), projectedAt,
                    BaselinePlan.answer(baseline, costUnknown));
        });
    }

    /**
     * The {@code limit} groups of {@code dimension} largest by {@code ranking} over {@code span}, ranked by the server
     * ({@link ReadSql#top}): the work is bounded by the rows the span covers, the memory by {@code limit}. Over many
     * groups the server first ranks them by the ranked measures alone ({@link ReadSql#topRanks}), then sums every
     * measure of the winners through their group's index: one sum per row instead of ten over the span's rows.
     */
    public Top top(Span span, Dimension dimension, Ranking ranking, int limit) {
        return top(span, dimension, ranking, limit, tiling.zone());
    }

    /**
     * {@link #top(Span, Dimension, Ranking, int)} of a span of {@code zone}, which decides which buckets of the CRS
     * baseline align: the baseline is one more part of each step's {@code UNION ALL}.
     */
    public Top top(Span span, Dimension dimension, Ranking ranking, int limit, ZoneId zone) {
        Projection projection = Projection.of(dimension, Filters.NONE);
        Plan plan = plan(List.of(span));
        List<ReadSql.StoredPart> parts = new ArrayList<>();
        for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> stored : plan.stored.entrySet()) {
            for (Table table : projection.stored) {
                parts.add(new ReadSql.StoredPart(table, ranges(stored.getValue()).size()));
            }
        }
        return inSnapshot(c -> {
            Instant projectedAt = projectedAt(c);
            for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> stored : plan.stored.entrySet()) {
                for (Table table : projection.stored) {
                    requireZoneBuckets(c, table, stored.getKey(), stored.getValue());
                }
            }
            List<BaselinePlan.Planned> baseline = BaselinePlan.plan(BaselinePlan.imports(c), List.of(span), zone);
            for (BaselinePlan.Planned planned : baseline) {
                for (TreeMap<LocalDateTime, Slot> buckets : planned.buckets().values()) {
                    parts.add(new ReadSql.StoredPart(projection.baseline, ranges(buckets).size()));
                }
            }
            List<String> winners = new ArrayList<>(limit);
            String ranks = ReadSql.topRanks(parts, projection, dimension, plan.ledger.size(), ranking);
            try (PreparedStatement ps = c.prepareStatement(ranks)) {
                int p = bindTopParts(ps, plan, baseline, projection, List.of());
                ps.setInt(p, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        winners.add(rs.getString(1));
                    }
                }
            }
            List<String> only = winners.size() == limit ? winners : List.of();
            List<Ranked> items = new ArrayList<>(limit);
            String sql = ReadSql.top(parts, projection, dimension, plan.ledger.size(), ranking, only.size());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = bindTopParts(ps, plan, baseline, projection, only);
                ps.setInt(p, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Measures measures = new Measures();
                        measures.add(rs, 2);
                        items.add(new Ranked(rs.getString(1), measures));
                    }
                }
            }
            long costUnknown = baseline.isEmpty() ? 0 : BaselinePlan.readSums(c, baseline, projection.baseline,
                    Dimension.NONE, Filters.NONE, new Accumulator(1, 1));
            return new Top(items, projectedAt, BaselinePlan.answer(baseline, costUnknown));
        });
    }

    /**
     * Binds the parameters of {@link ReadSql#top}'s parts (the stored ones, the baseline's, the ledger's), each
     * limited to {@code groups}; the next index.
     */
    private static int bindTopParts(PreparedStatement ps, Plan plan, List<BaselinePlan.Planned> baseline,
            Projection projection, List<String> groups) throws SQLException {
        int p = 1;
        for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> stored : plan.stored.entrySet()) {
            for (int t = 0; t < projection.stored.size(); t++) {
                p = bindStoredPart(ps, p, null, stored.getKey(), stored.getValue(), groups);
            }
        }
        for (BaselinePlan.Planned planned : baseline) {
            for (Map.Entry<Source, TreeMap<LocalDateTime, Slot>> buckets : planned.buckets().entrySet()) {
                p = bindStoredPart(ps, p, planned.source().id(), buckets.getKey(), buckets.getValue(), groups);
            }
        }
        for (int t = 0; t < Projection.LEDGER.size(); t++) {
            for (LedgerPiece piece : plan.ledger) {
                ps.setObject(p++, utc(piece.start()));
                ps.setObject(p++, utc(piece.end()));
                for (String group : groups) {
                    ps.setString(p++, group);
                }
            }
        }
        return p;
    }

    /** Binds one stored part of {@link ReadSql#top}: its import (baseline tables), granularity, ranges, groups. */
    private static int bindStoredPart(PreparedStatement ps, int first, String importId, Source granularity,
            TreeMap<LocalDateTime, Slot> buckets, List<String> groups) throws SQLException {
        int p = first;
        if (importId != null) {
            ps.setString(p++, importId);
        }
        ps.setString(p++, granularity.granularity());
        for (LocalDateTime[] range : ranges(buckets)) {
            ps.setObject(p++, range[0]);
            ps.setObject(p++, range[1]);
        }
        for (String group : groups) {
            ps.setString(p++, group);
        }
        return p;
    }

    /** When the projection last committed; {@code null} before its first transaction. */
    public Instant projectedAt() {
        return inSnapshot(StatsReader::projectedAt);
    }

    // ---- planning -----------------------------------------------------------------------------

    /** Which span a stored bucket or ledger piece counts for. */
    record Slot(int span, Instant end) {}

    private record LedgerPiece(int span, Instant start, Instant end) {}

    private record Plan(Map<Source, TreeMap<LocalDateTime, Slot>> stored, List<LedgerPiece> ledger) {}

    private Plan plan(List<Span> spans) {
        Map<Source, TreeMap<LocalDateTime, Slot>> stored = new EnumMap<>(Source.class);
        List<LedgerPiece> ledger = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            for (Piece piece : tiling.tile(spans.get(i).from(), spans.get(i).to())) {
                if (piece.source() == Source.LEDGER) {
                    ledger.add(new LedgerPiece(i, piece.start(), piece.end()));
                } else {
                    stored.computeIfAbsent(piece.source(), s -> new TreeMap<>())
                            .put(utc(piece.start()), new Slot(i, piece.end()));
                }
            }
        }
        return new Plan(stored, ledger);
    }

    /** Adjacent buckets merged into ranges {@code [start, end)} of {@code bucket_start}. */
    static List<LocalDateTime[]> ranges(TreeMap<LocalDateTime, Slot> buckets) {
        List<LocalDateTime[]> ranges = new ArrayList<>();
        for (Map.Entry<LocalDateTime, Slot> bucket : buckets.entrySet()) {
            LocalDateTime end = utc(bucket.getValue().end());
            LocalDateTime[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1].equals(bucket.getKey())) {
                last[1] = end;
            } else {
                ranges.add(new LocalDateTime[] {bucket.getKey(), end});
            }
        }
        return ranges;
    }

    // ---- reading ------------------------------------------------------------------------------

    private static void readStored(Connection c, Table table, Source granularity,
            TreeMap<LocalDateTime, Slot> buckets, Dimension groupBy, Filters filters, Accumulator sums)
            throws SQLException {
        List<LocalDateTime[]> ranges = ranges(buckets);
        for (int from = 0; from < ranges.size(); from += PER_STATEMENT) {
            List<LocalDateTime[]> chunk = ranges.subList(from, Math.min(ranges.size(), from + PER_STATEMENT));
            try (PreparedStatement ps = c.prepareStatement(ReadSql.storedSums(table, groupBy, filters, chunk.size()))) {
                int p = 1;
                ps.setString(p++, granularity.granularity());
                for (LocalDateTime[] range : chunk) {
                    ps.setObject(p++, range[0]);
                    ps.setObject(p++, range[1]);
                }
                for (String value : filters.values()) {
                    ps.setString(p++, value);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Slot slot = planned(buckets, rs.getObject(1, LocalDateTime.class), table, granularity);
                        sums.slot(slot.span(), rs.getString(2)).add(rs, 3);
                    }
                }
            }
        }
    }

    /**
     * Refuses stored rows of the planned ranges that do not start on a planned bucket ({@link #planned}): one index
     * probe per bucket for a row that starts inside it, after its start, however many rows the buckets hold.
     */
    private static void requireZoneBuckets(Connection c, Table table, Source granularity,
            TreeMap<LocalDateTime, Slot> buckets) throws SQLException {
        List<Map.Entry<LocalDateTime, Slot>> all = new ArrayList<>(buckets.entrySet());
        for (int from = 0; from < all.size(); from += PER_STATEMENT) {
            List<Map.Entry<LocalDateTime, Slot>> chunk = all.subList(from, Math.min(all.size(), from + PER_STATEMENT));
            try (PreparedStatement ps = c.prepareStatement(ReadSql.strayBucketStart(table, chunk.size()))) {
                int p = 1;
                ps.setString(p++, granularity.granularity());
                for (Map.Entry<LocalDateTime, Slot> bucket : chunk) {
                    ps.setObject(p++, bucket.getKey());
                    ps.setObject(p++, utc(bucket.getValue().end()));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        planned(buckets, rs.getObject(1, LocalDateTime.class), table, granularity);
                    }
                }
            }
        }
    }

    /**
     * The planned bucket a stored row starts. Within a planned range every stored bucket is a planned one, unless the
     * rows were folded in another zone: leaving such a row out would answer a total that is short, so refuse to answer.
     */
    private static Slot planned(TreeMap<LocalDateTime, Slot> buckets, LocalDateTime start, Table table,
            Source granularity) {
        Slot slot = buckets.get(start);
        if (slot == null) {
            throw new IllegalStateException("a stored " + granularity.granularity() + " row of " + table
                    + " starts at " + start + " UTC, not a bucket of this reporting zone:"
                    + " usage-consumer and stats-api must share ledger.reporting.zone");
        }
        return slot;
    }

    private static void readLedger(Connection c, Table table, Projection projection, List<LedgerPiece> pieces,
            Dimension groupBy, Filters filters, Accumulator sums) throws SQLException {
        for (int from = 0; from < pieces.size(); from += PER_STATEMENT) {
            List<LedgerPiece> chunk = pieces.subList(from, Math.min(pieces.size(), from + PER_STATEMENT));
            String sql = ReadSql.ledgerSums(table, projection, groupBy, filters, from, chunk.size());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (LedgerPiece piece : chunk) {
                    ps.setObject(p++, utc(piece.start()));
                    ps.setObject(p++, utc(piece.end()));
                    for (String value : filters.values()) {
                        ps.setString(p++, value);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sums.slot(pieces.get(rs.getInt(1)).span(), rs.getString(2)).add(rs, 3);
                    }
                }
            }
        }
    }

    private static Instant projectedAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ReadSql.PROJECTED_AT); ResultSet rs = ps.executeQuery()) {
            LocalDateTime at = rs.next() ? rs.getObject(1, LocalDateTime.class) : null;
            return at == null ? null : at.toInstant(ZoneOffset.UTC);
        }
    }

    /** {@code DATETIME} columns hold UTC wall-clock times (CONTRACT §3). */
    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    interface SnapshotWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one read-only {@code REPEATABLE READ} transaction: one snapshot for every statement. */
    <T> T inSnapshot(SnapshotWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new ReadFailedException("reading stats", e);
        }
    }

    /** The sums per group and span while rows are read; refuses a group beyond the bound. */
    static final class Accumulator {
        private final int spans;
        private final int maxGroups;
        private final Map<String, Measures[]> groups = new HashMap<>();

        Accumulator(int spans, int maxGroups) {
            this.spans = spans;
            this.maxGroups = maxGroups;
        }

        Measures slot(int span, String group) {
            Measures[] points = groups.get(group);
            if (points == null) {
                if (groups.size() >= maxGroups) {
                    throw new TooManyGroupsException(maxGroups);
                }
                points = new Measures[spans];
                for (int i = 0; i < spans; i++) {
                    points[i] = new Measures();
                }
                groups.put(group, points);
            }
            return points[span];
        }

        Map<String, Measures[]> result(boolean dropZeroGroups) {
            Map<String, Measures[]> sorted = new LinkedHashMap<>();
            groups.entrySet().stream()
                    .filter(e -> !dropZeroGroups || !allZero(e.getValue()))
                    .sorted(Map.Entry.comparingByKey(Comparator.nullsFirst(Comparator.naturalOrder())))
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        }

        private static boolean allZero(Measures[] points) {
            for (Measures m : points) {
                if (!m.isZero()) {
                    return false;
                }
            }
            return true;
        }
    }
}
