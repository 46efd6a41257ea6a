package dev.usageledger.projections.mysql;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one home of the ledger's partitioning DDL: {@code usage_records} and {@code cost_adjustments} partitioned by
 * RANGE COLUMNS over {@code occurred_at} (a DATETIME, so MySQL 8.4 and MariaDB both prune on it), one partition per
 * UTC month named {@code p<yyyymm>} holding {@code [first day of the month, first day of the next)}, and the catch-all
 * {@value #CATCH_ALL} ({@code LESS THAN (MAXVALUE)}), which never refuses an insert. Migration V8 runs
 * {@link #partitionBy} (its text is asserted equal); {@code ledger retention} runs {@link #createMonths} and
 * {@link #dropMonths}. The same text runs on MySQL 8.4 and MariaDB.
 *
 * <p>Month partitions are only ever split off the catch-all, after the last month partition, so they stay contiguous
 * and in month order; the first one also holds any row older than its month (RANGE puts everything below its bound
 * there). Dropping a month partition drops its rows without a DELETE.
 */
public final class LedgerPartitions {

    /** The partitioned tables, in the order retention works on them. */
    public static final List<String> TABLES = List.of("usage_records", "cost_adjustments");

    /** The catch-all partition, always last. */
    public static final String CATCH_ALL = "p_future";

    /** The names of a table's partitions, in order (one row, NULL, for a table that is not partitioned). */
    public static final String SELECT_PARTITIONS = """
            SELECT PARTITION_NAME FROM information_schema.PARTITIONS \
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY PARTITION_ORDINAL_POSITION""";

    private static final Pattern MONTH = Pattern.compile("p(\\d{4})(\\d{2})");
    private static final DateTimeFormatter BOUND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private LedgerPartitions() {}

    /** Partitions {@code table} with the catch-all only (migration V8): every row lands in {@value #CATCH_ALL}. */
    public static String partitionBy(String table) {
        return "ALTER TABLE " + requireLedger(table) + " PARTITION BY RANGE COLUMNS (occurred_at) (PARTITION "
                + CATCH_ALL + " VALUES LESS THAN (MAXVALUE))";
    }

    /**
     * Splits {@code months} (ascending, contiguous, each after every month partition the table has) off the catch-all.
     * Copies the catch-all's rows into the new partitions: cheap while it is empty, a copy that writers wait for when
     * it is not.
     */
    public static String createMonths(String table, List<YearMonth> months) {
        requireContiguous(months);
        StringBuilder sql = new StringBuilder("ALTER TABLE ").append(requireLedger(table))
                .append(" REORGANIZE PARTITION ").append(CATCH_ALL).append(" INTO (");
        for (YearMonth m : months) {
            sql.append("PARTITION ").append(name(m)).append(" VALUES LESS THAN ('")
                    .append(BOUND.format(end(m).atOffset(ZoneOffset.UTC))).append("'), ");
        }
        return sql.append("PARTITION ").append(CATCH_ALL).append(" VALUES LESS THAN (MAXVALUE))").toString();
    }

    /** Drops the partitions of {@code months}, rows and all (a metadata change, no DELETE). */
    public static String dropMonths(String table, List<YearMonth> months) {
        if (months.isEmpty()) {
            throw new IllegalArgumentException("no month to drop");
        }
        return "ALTER TABLE " + requireLedger(table) + " DROP PARTITION "
                + String.join(", ", months.stream().map(LedgerPartitions::name).toList());
    }

    /** The rows of one partition, counted exactly. */
    public static String countRows(String table, String partition) {
        requirePartitionName(partition);
        return "SELECT COUNT(*) FROM " + requireLedger(table) + " PARTITION (" + partition + ")";
    }

    /**
     * The rows of {@code [?, ?)}, counted exactly (pruned to the partitions of the range): what a month partition
     * holds, or will hold once it is split off the catch-all.
     */
    public static String countBetween(String table) {
        return "SELECT COUNT(*) FROM " + requireLedger(table) + " WHERE occurred_at >= ? AND occurred_at < ?";
    }

    /** The oldest {@code occurred_at} in the catch-all (NULL when it is empty). */
    public static String oldestInCatchAll(String table) {
        return "SELECT MIN(occurred_at) FROM " + requireLedger(table) + " PARTITION (" + CATCH_ALL + ")";
    }

    /** The partition holding {@code month}: {@code p<yyyymm>}. */
    public static String name(YearMonth month) {
        return String.format("p%04d%02d", month.getYear(), month.getMonthValue());
    }

    /** The month a partition of this scheme holds; empty for the catch-all or a name of another scheme. */
    public static Optional<YearMonth> month(String partition) {
        Matcher m = MONTH.matcher(partition);
        if (!m.matches()) {
            return Optional.empty();
        }
        int month = Integer.parseInt(m.group(2));
        return month >= 1 && month <= 12 ? Optional.of(YearMonth.of(Integer.parseInt(m.group(1)), month))
                : Optional.empty();
    }

    /** The first instant of {@code month}, UTC. */
    public static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The partition's upper bound: the first instant of the next month, UTC. */
    public static Instant end(YearMonth month) {
        return start(month.plusMonths(1));
    }

    /** The UTC month {@code instant} lies in. */
    public static YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC));
    }

    private static String requireLedger(String table) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a partitioned ledger table: " + table);
        }
        return table;
    }

    private static void requirePartitionName(String partition) {
        if (!CATCH_ALL.equals(partition) && month(partition).isEmpty()) {
            throw new IllegalArgumentException("not a ledger partition: " + partition);
        }
    }

    private static void requireContiguous(List<YearMonth> months) {
        if (months.isEmpty()) {
            throw new IllegalArgumentException("no month to create");
        }
        for (int i = 1; i < months.size(); i++) {
            if (!months.get(i).equals(months.get(i - 1).plusMonths(1))) {
                throw new IllegalArgumentException("months must be contiguous and ascending: " + months);
            }
        }
    }
}
