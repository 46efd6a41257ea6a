package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.BucketSpan;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.fold.Granularity;
import dev.usageledger.projections.fold.StatsKey;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The stats cells of one {@link BucketSpan} compared with the ledger, on a connection whose transaction the caller
 * owns: the ledger's rows ({@link RangeSql#ledgerRows}) summed per cell, placed in buckets by {@link Buckets}, the
 * projection's own bucket rule; the stored cells streamed in primary-key order and merged with them. Every stats table
 * of {@link ProjectionSql.StatsTable} and each of its measures is covered.
 */
final class RangeCells {

    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Buckets buckets;
    private final List<String> allMeasures = RangeSql.allMeasures();
    /** Per table, where each of its measures is among {@link #allMeasures}. */
    private final Map<ProjectionSql.StatsTable, int[]> measureIndexes = new EnumMap<>(ProjectionSql.StatsTable.class);

    RangeCells(Buckets buckets) {
        this.buckets = buckets;
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            measureIndexes.put(t, t.measures().stream().mapToInt(allMeasures::indexOf).toArray());
        }
    }

    /**
     * The span's differing cells. {@code locking}: the ledger range is read with shared locks and the stored cells
     * {@code FOR UPDATE} (a rebuild); otherwise both are plain reads of the transaction's snapshot (a check).
     */
    SpanResult compare(Connection c, BucketSpan span, boolean locking) throws SQLException {
        // Summed by hash, sorted once per table and granularity for the merge: a sorted map would compare keys
        // on every row's every cell, the largest cost of a span.
        Map<ProjectionSql.StatsTable, Map<StatsKey, BigDecimal[]>> expected = new EnumMap<>(ProjectionSql.StatsTable.class);
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            expected.put(t, new HashMap<>());
        }
        long rows = fold(c, span, "usage_records", RangeSql.FROM_USAGE_RECORDS, false, locking, expected)
                + fold(c, span, "cost_adjustments", RangeSql.FROM_COST_ADJUSTMENTS, true, locking, expected);
        List<CellDifference> differences = new ArrayList<>();
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            for (Granularity g : span.granularitiesInKeyOrder()) {
                merge(c, span, t, g, locking, expected.get(t), differences);
            }
        }
        return new SpanResult(span, differences, rows);
    }

    /** Adds the ledger table's rows of the span to the expected cells; returns how many rows it read. */
    private long fold(Connection c, BucketSpan span, String table, Map<String, String> values, boolean adjustments,
            boolean locking, Map<ProjectionSql.StatsTable, Map<StatsKey, BigDecimal[]>> expected)
            throws SQLException {
        long slotSeconds = span.slotSeconds();
        long rows = 0;
        try (PreparedStatement s = c.prepareStatement(RangeSql.ledgerRows(table, values, locking))) {
            s.setString(1, text(span.from()));
            s.setLong(2, slotSeconds);
            s.setString(3, text(span.from()));
            s.setString(4, text(span.to()));
            s.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant slot = span.from().plusSeconds(rs.getLong(1) * slotSeconds);
                    String apiKeyId = rs.getString(2);
                    String accountId = rs.getString(3);
                    String model = rs.getString(4);
                    rows++;
                    BigDecimal[] row = new BigDecimal[allMeasures.size()];
                    for (int i = 0; i < row.length; i++) {
                        BigDecimal v = rs.getBigDecimal(5 + i);
                        row[i] = v == null ? BigDecimal.ZERO : v;
                    }
                    for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
                        if (adjustments && !t.cost) {
                            continue;
                        }
                        String subject = switch (t.subjectColumn()) {
                            case "account_id" -> accountId;
                            case "model" -> model;
                            default -> apiKeyId;
                        };
                        if (subject != null) {
                            add(span, t, slot, subject, t.rollup ? StatsKey.ROLLUP : model, row, expected.get(t));
                        }
                    }
                }
            }
        }
        return rows;
    }

    private void add(BucketSpan span, ProjectionSql.StatsTable t, Instant slot, String subject, String model,
            BigDecimal[] row, Map<StatsKey, BigDecimal[]> cells) {
        int[] indexes = measureIndexes.get(t);
        for (Granularity g : span.granularities()) {
            LocalDateTime start = buckets.start(g, slot);
            if (!span.contains(buckets, g, start)) {
                continue;
            }
            BigDecimal[] cell = cells.computeIfAbsent(new StatsKey(g, start, subject, model), k -> zeros(indexes.length));
            for (int i = 0; i < indexes.length; i++) {
                cell[i] = cell[i].add(row[indexes[i]]);
            }
        }
    }

    /** Streams the stored cells of one granularity in key order against the expected ones of that granularity. */
    private void merge(Connection c, BucketSpan span, ProjectionSql.StatsTable t, Granularity g, boolean locking,
            Map<StatsKey, BigDecimal[]> expected, List<CellDifference> out) throws SQLException {
        int n = t.measures().size();
        Iterator<Map.Entry<StatsKey, BigDecimal[]>> ledger = expected.entrySet().stream()
                .filter(e -> e.getKey().granularity() == g)
                .sorted(Map.Entry.comparingByKey(StatsKey.ORDER)).iterator();
        Map.Entry<StatsKey, BigDecimal[]> next = ledger.hasNext() ? ledger.next() : null;
        try (PreparedStatement s = c.prepareStatement(RangeSql.storedCells(t, locking))) {
            s.setString(1, g.sqlName());
            s.setString(2, text(span.from()));
            s.setString(3, text(span.to()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    LocalDateTime start = LocalDateTime.parse(rs.getString(1), DATETIME);
                    if (!span.contains(buckets, g, start)) {
                        continue;
                    }
                    requireBucketOfThisZone(t, g, start);
                    StatsKey key = new StatsKey(g, start, rs.getString(2), rs.getString(3));
                    BigDecimal[] stored = new BigDecimal[n];
                    for (int i = 0; i < n; i++) {
                        BigDecimal v = rs.getBigDecimal(4 + i);
                        stored[i] = v == null ? BigDecimal.ZERO : v;
                    }
                    while (next != null && StatsKey.ORDER.compare(next.getKey(), key) < 0) {
                        difference(t, next.getKey(), null, next.getValue(), out);
                        next = ledger.hasNext() ? ledger.next() : null;
                    }
                    if (next != null && StatsKey.ORDER.compare(next.getKey(), key) == 0) {
                        difference(t, key, stored, next.getValue(), out);
                        next = ledger.hasNext() ? ledger.next() : null;
                    } else {
                        difference(t, key, stored, zeros(n), out);
                    }
                }
            }
        }
        while (next != null) {
            difference(t, next.getKey(), null, next.getValue(), out);
            next = ledger.hasNext() ? ledger.next() : null;
        }
    }

    /**
     * A stored row that does not start on a bucket of this reporting zone was folded in another zone: comparing or
     * rewriting it with this zone's buckets would destroy it, so the whole run stops instead.
     */
    private void requireBucketOfThisZone(ProjectionSql.StatsTable t, Granularity g, LocalDateTime start) {
        Instant at = start.toInstant(ZoneOffset.UTC);
        if (!buckets.startInstant(g, at).equals(at)) {
            throw new IllegalStateException("a stored " + g.sqlName() + " row of " + t.table + " starts at " + start
                    + " UTC, not a bucket of the reporting zone " + buckets.reportingZone().getId() + ": run with the zone"
                    + " usage-consumer folds in (ledger.reporting.zone)");
        }
    }

    private static void difference(ProjectionSql.StatsTable t, StatsKey key, BigDecimal[] stored, BigDecimal[] ledger,
            List<CellDifference> out) {
        BigDecimal[] storedValues = stored == null ? zeros(ledger.length) : stored;
        for (int i = 0; i < ledger.length; i++) {
            if (storedValues[i].compareTo(ledger[i]) != 0) {
                out.add(new CellDifference(t.table, key.granularity(), key.bucketStart(), key.subjectId(), key.model(),
                        t.measures(), Arrays.asList(storedValues), Arrays.asList(ledger), stored != null));
                return;
            }
        }
    }

    /**
     * Makes every differing cell equal the ledger, in the order given (the stats tables' order, primary-key order
     * within each, as the projection locks them): an update, an insert, or a delete where the ledger sums to zero.
     */
    void write(Connection c, List<CellDifference> differences) throws SQLException {
        for (ProjectionSql.StatsTable t : ProjectionSql.StatsTable.values()) {
            try (PreparedStatement update = c.prepareStatement(RangeSql.updateCell(t));
                    PreparedStatement insert = c.prepareStatement(RangeSql.insertCell(t));
                    PreparedStatement delete = c.prepareStatement(RangeSql.deleteCell(t))) {
                int n = t.measures().size();
                int keys = RangeSql.keyColumns(t).size();
                boolean any = false;
                for (CellDifference d : differences) {
                    if (!d.table().equals(t.table)) {
                        continue;
                    }
                    any = true;
                    if (d.ledgerZero()) {
                        bindKey(delete, 1, d, keys);
                        delete.addBatch();
                    } else if (d.storedRow()) {
                        for (int i = 0; i < n; i++) {
                            update.setBigDecimal(1 + i, d.ledger().get(i));
                        }
                        bindKey(update, n + 1, d, keys);
                        update.addBatch();
                    } else {
                        bindKey(insert, 1, d, keys);
                        for (int i = 0; i < n; i++) {
                            insert.setBigDecimal(keys + 1 + i, d.ledger().get(i));
                        }
                        insert.addBatch();
                    }
                }
                if (any) {
                    delete.executeBatch();
                    update.executeBatch();
                    insert.executeBatch();
                }
            }
        }
    }

    /** The cell's key from parameter {@code first} on: {@code keys} columns (a rollup has no model). */
    private static void bindKey(PreparedStatement s, int first, CellDifference d, int keys) throws SQLException {
        s.setString(first, d.granularity().sqlName());
        s.setString(first + 1, DATETIME.format(d.bucketStart()));
        s.setString(first + 2, d.subject());
        if (keys > 3) {
            s.setString(first + 3, d.model());
        }
    }

    static String text(Instant instant) {
        return DATETIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static BigDecimal[] zeros(int n) {
        BigDecimal[] z = new BigDecimal[n];
        Arrays.fill(z, BigDecimal.ZERO);
        return z;
    }
}
