package dev.usageledger.cli;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.projections.mysql.LedgerPartitions;
import dev.usageledger.projections.mysql.ProjectionException;
import dev.usageledger.projections.mysql.RetentionSql;
import dev.usageledger.projections.retry.TransactionRetry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One run of {@code ledger retention} at an instant: per ledger table, month partitions created up to
 * {@code months-ahead} after the current UTC month and those wholly older than {@code ledger.retention.ledger} dropped;
 * hour rows of every stats table older than {@code ledger.retention.hourly} and id claims older than
 * {@code ledger.retention.claims} deleted in batches of at most {@code batch} rows, each its own short transaction.
 * Each horizon is recorded in {@code ledger_retention} before anything behind it is removed, so {@code verify} and
 * {@code rebuild} never look behind it, even while this runs. Every action is a line on stdout
 * ({@code action table target rows}); a dry run prints the same lines, with the rows it would touch, and changes
 * nothing.
 */
final class RetentionJob {

    /**
     * How long a partition change waits for the table's metadata lock (a long read of the ledger holds it) before it
     * gives up and is tried again: while it waits, new statements on the table queue behind it.
     */
    static final int DDL_LOCK_WAIT_SECONDS = 5;

    private final DataSource dataSource;
    private final LedgerSettings.Retention retention;
    private final Instant now;
    private final boolean dryRun;
    private final int batch;
    private final String command;
    private final PrintWriter out;
    private final PrintWriter err;
    private final TransactionRetry retry = Retries.forCli();

    /** Below every DATETIME a ledger row can hold. */
    private static final LocalDateTime OLDEST = LocalDateTime.of(1000, 1, 1, 0, 0);

    RetentionJob(DataSource dataSource, LedgerSettings.Retention retention, Instant now, boolean dryRun, int batch,
            String command, PrintWriter out, PrintWriter err) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.now = now;
        this.dryRun = dryRun;
        this.batch = batch;
        this.command = command;
        this.out = out;
        this.err = err;
    }

    void run() {
        out.println("action\ttable\ttarget\trows");
        for (String table : LedgerPartitions.TABLES) {
            partitions(table);
        }
        Instant hourCutoff = now.minus(retention.hourly()).truncatedTo(ChronoUnit.HOURS);
        record(RetentionSql.HOURLY, hourCutoff);
        for (String table : RetentionSql.hourlyTables()) {
            delete(table, "hour rows before " + hourCutoff, RetentionSql.countHourly(table),
                    RetentionSql.deleteHourly(table, batch), hourCutoff);
        }
        Instant claimCutoff = now.minus(retention.claims()).truncatedTo(ChronoUnit.MILLIS);
        record(RetentionSql.CLAIMS, claimCutoff);
        delete("ledger_event_ids", "claims before " + claimCutoff, RetentionSql.COUNT_CLAIMS,
                RetentionSql.deleteClaims(batch), claimCutoff);
    }

    /** Creates the months ahead, then drops the expired ones. */
    private void partitions(String table) {
        List<YearMonth> months = months(table);
        YearMonth current = LedgerPartitions.monthOf(now);
        YearMonth first;
        if (months.isEmpty()) {
            // The first split: the catch-all's rows get months of their own, so that they can expire.
            Object oldest = query(LedgerPartitions.oldestInCatchAll(table), rs -> rs.getObject(1, LocalDateTime.class));
            YearMonth oldestMonth = oldest == null ? current
                    : LedgerPartitions.monthOf(((LocalDateTime) oldest).toInstant(ZoneOffset.UTC));
            first = oldestMonth.isBefore(current) ? oldestMonth : current;
        } else {
            first = months.get(months.size() - 1).plusMonths(1);
        }
        YearMonth last = current.plusMonths(retention.monthsAhead());
        if (!first.isAfter(last)) {
            List<YearMonth> created = new ArrayList<>();
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                created.add(m);
            }
            long copied = count(LedgerPartitions.countRows(table, LedgerPartitions.CATCH_ALL));
            report("create", table, LedgerPartitions.name(first) + ".." + LedgerPartitions.name(last), copied);
            if (copied > 0) {
                err.printf(Locale.ROOT, "%s: %s: %,d rows of %s are copied into their months; writers to %s wait "
                        + "for the copy%n", command, table, copied, LedgerPartitions.CATCH_ALL, table);
                err.flush();
            }
            ddl(table, "created " + LedgerPartitions.name(first) + ".." + LedgerPartitions.name(last),
                    LedgerPartitions.createMonths(table, created));
            months.addAll(created);
        }
        Instant cutoff = now.minus(retention.ledger());
        List<YearMonth> expired = months.stream().filter(m -> !LedgerPartitions.end(m).isAfter(cutoff)).toList();
        if (expired.isEmpty()) {
            return;
        }
        record(RetentionSql.LEDGER, LedgerPartitions.end(expired.get(expired.size() - 1)));
        for (YearMonth m : expired) {
            // The first month partition also holds every row older than its month.
            LocalDateTime from = m.equals(months.get(0)) ? OLDEST : utc(LedgerPartitions.start(m));
            report("drop", table, LedgerPartitions.name(m),
                    count(LedgerPartitions.countBetween(table), from, utc(LedgerPartitions.end(m))));
        }
        ddl(table, "dropped " + String.join(", ", expired.stream().map(LedgerPartitions::name).toList()),
                LedgerPartitions.dropMonths(table, expired));
    }

    /** The table's month partitions, in order; fails unless it is partitioned as V8 does it. */
    private List<YearMonth> months(String table) {
        List<String> names = new ArrayList<>();
        query(LedgerPartitions.SELECT_PARTITIONS, rs -> {
            do {
                names.add(rs.getString(1));
            } while (rs.next());
            return null;
        }, table);
        if (names.isEmpty() || !LedgerPartitions.CATCH_ALL.equals(names.get(names.size() - 1))) {
            throw new IllegalStateException(table + " is not partitioned by month with the catch-all "
                    + LedgerPartitions.CATCH_ALL + " last (migration V8), its partitions: " + names);
        }
        List<YearMonth> months = new ArrayList<>();
        for (String name : names.subList(0, names.size() - 1)) {
            Optional<YearMonth> m = LedgerPartitions.month(name);
            months.add(m.orElseThrow(() -> new IllegalStateException(table + ": partition " + name
                    + " is not a month partition p<yyyymm>")));
        }
        return months;
    }

    /** Deletes the rows before {@code cutoff} in batches until none is left; a dry run only counts them. */
    private void delete(String table, String target, String countSql, String deleteSql, Instant cutoff) {
        LocalDateTime before = utc(cutoff);
        long rows = count(countSql, before);
        report("delete", table, target, rows);
        if (dryRun || rows == 0) {
            return;
        }
        Progress progress = Progress.ofUnits(command + ": " + table, rows, "rows deleted", "rows/s", err,
                System::nanoTime);
        int deleted;
        do {
            deleted = update(deleteSql, before);
            progress.advance(deleted, 0);
        } while (deleted == batch);
        progress.finish();
    }

    /** Records a horizon before anything behind it goes; a dry run records nothing. */
    private void record(String subject, Instant keptFrom) {
        if (dryRun) {
            return;
        }
        retry.call(() -> withConnection("recording the " + subject + " horizon", c -> {
            try (PreparedStatement s = c.prepareStatement(RetentionSql.RECORD_HORIZON)) {
                s.setString(1, subject);
                s.setObject(2, utc(keptFrom));
                s.setObject(3, utc(now));
                return s.executeUpdate();
            }
        }));
    }

    private void report(String action, String table, String target, long rows) {
        out.println(action + "\t" + table + "\t" + target + "\t" + rows);
        out.flush();
    }

    /** A partition change, with a short metadata-lock wait, tried again while the lock is busy; timed on stderr. */
    private void ddl(String table, String done, String sql) {
        if (dryRun) {
            return;
        }
        long started = System.nanoTime();
        retry.call(() -> withConnection(sql, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = " + DDL_LOCK_WAIT_SECONDS);
                return s.executeUpdate(sql);
            }
        }));
        err.printf(Locale.ROOT, "%s: %s: %s in %.3f s%n", command, table, done, (System.nanoTime() - started) / 1e9);
        err.flush();
    }

    private int update(String sql, Object parameter) {
        return retry.call(() -> withConnection(sql, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, parameter);
                return s.executeUpdate();
            }
        }));
    }

    private long count(String sql, Object... parameters) {
        Object n = query(sql, rs -> rs.getLong(1), parameters);
        return n == null ? 0 : (Long) n;
    }

    /** The first row of a query mapped, or {@code null} when there is none. */
    private Object query(String sql, RowMapper mapper, Object... parameters) {
        return retry.call(() -> withConnection(sql, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setObject(i + 1, parameters[i]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? mapper.map(rs) : null;
                }
            }
        }));
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private <T> T withConnection(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new ProjectionException(what + " failed", e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper {
        Object map(ResultSet rs) throws SQLException;
    }
}
