package dev.usageledger.cli.crs;

import dev.usageledger.cli.crs.ReportLine.Cause;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The verification report of one import, read back from MySQL (never from the importer's memory), streamed row by
 * row: for every key and account and every bucket CRS had a total of, that total against the baseline rows of the
 * bucket (every measure; the cost keys against the stored costs within CRS's rounding of each request to micro-USD);
 * every day's total against the baseline's hours of that day, every month's against its days; what lies past the
 * cutoff; the live events before the cutoff of keys the import holds. Each difference is handed on with its cause;
 * a difference no cause explains is {@link Cause#UNEXPLAINED}.
 */
public final class ImportReport {

    /** How long CRS keeps its hourly and daily keys after their last write (redis.js: EXPIRE 7 and 32 days). */
    static final Duration HOURLY_RETENTION = Duration.ofDays(7);
    static final Duration DAILY_RETENTION = Duration.ofDays(32);
    private static final BigDecimal MICRO = new BigDecimal("0.000001");

    private final DataSource dataSource;
    private final String importId;
    private final CrsOffset offset;
    private final Instant cutoff;
    private final Instant now;

    /** {@code now}: when CRS's Redis was read, for which detail CRS no longer keeps. */
    public ImportReport(DataSource dataSource, String importId, CrsOffset offset, Instant cutoff, Instant now) {
        this.dataSource = dataSource;
        this.importId = importId;
        this.offset = offset;
        this.cutoff = cutoff;
        this.now = now;
    }

    /** Every difference to {@code out}; every key's and account's CRS day, with both totals, to {@code days}. */
    public void run(Consumer<ReportLine> out, Consumer<DayTotals> days) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (Granularity g : Granularity.values()) {
                totals(c, g, out, days);
            }
            within(c, Granularity.DAY, Granularity.HOUR, BaselineSql.DAY_OF_BUCKET, out);
            within(c, Granularity.MONTH, Granularity.DAY, BaselineSql.MONTH_OF_BUCKET, out);
            pastCutoff(c, Granularity.DAY, Granularity.HOUR, BaselineSql.DAY_OF_BUCKET, out);
            pastCutoff(c, Granularity.MONTH, Granularity.DAY, BaselineSql.MONTH_OF_BUCKET, out);
            live(c, out);
        }
    }

    /** CRS's totals of {@code g} against the baseline rows of the same bucket. */
    private void totals(Connection c, Granularity g, Consumer<ReportLine> lines, Consumer<DayTotals> days)
            throws SQLException {
        String sql = BaselineSql.totalsAgainst(BaselineSql.baselineSums("bucket_start"));
        List<Object> params = sumsParams(g, false);
        params.add(importId);
        params.add(g.column());
        query(c, sql, params, rs -> {
            String kind = rs.getString("kind");
            String subject = rs.getString("subject_id");
            String bucket = offset.label(g, instant(rs, "bucket_start"));
            boolean[] differs = {false};
            Consumer<ReportLine> out = line -> {
                differs[0] = true;
                lines.accept(line);
            };
            long legacy = rs.getLong("legacy_requests");
            long noDetail = rs.getLong("no_detail_requests");
            if (rs.getObject("c_requests") != null) {
                for (String m : BaselineSql.MEASURES) {
                    long crs = rs.getLong("c_" + m);
                    long base = rs.getLong("b_" + m);
                    if (crs != base) {
                        out.accept(new ReportLine(kind, subject, g.column(), bucket, "total", m, Long.toString(crs),
                                Long.toString(base), Cause.UNEXPLAINED));
                    }
                }
            }
            long requests = Math.max(rs.getLong("c_requests"), rs.getLong("b_requests"));
            for (String m : BaselineSql.COSTS) {
                BigDecimal crs = rs.getBigDecimal("c_" + m);
                if (crs == null) {
                    continue;
                }
                BigDecimal base = rs.getBigDecimal("b_" + m) == null ? BigDecimal.ZERO : rs.getBigDecimal("b_" + m);
                BigDecimal rounding = MICRO.multiply(BigDecimal.valueOf(Math.max(requests, 1)));
                if (crs.subtract(base).abs().compareTo(rounding) > 0) {
                    Cause cause = base.compareTo(crs) > 0 ? Cause.UNEXPLAINED
                            : legacy > 0 ? Cause.LEGACY_WITHOUT_COST
                            : noDetail > 0 ? Cause.NO_MODEL_DETAIL : Cause.UNEXPLAINED;
                    out.accept(new ReportLine(kind, subject, g.column(), bucket, "total", m, crs.toPlainString(),
                            base.toPlainString(), cause));
                }
            }
            if (g != Granularity.HOUR && legacy > 0) {
                out.accept(new ReportLine(kind, subject, g.column(), bucket, "total", "cost_unknown_requests", "",
                        Long.toString(legacy), Cause.LEGACY_WITHOUT_COST));
            }
            if (g != Granularity.HOUR && noDetail > 0) {
                out.accept(new ReportLine(kind, subject, g.column(), bucket, "total", "no_model_detail_requests", "",
                        Long.toString(noDetail), Cause.NO_MODEL_DETAIL));
            }
            if (g == Granularity.DAY) {
                days.accept(new DayTotals(kind, subject, bucket, measures(rs, "c_"), rs.getBigDecimal("c_real_cost_usd"),
                        rs.getBigDecimal("c_rated_cost_usd"), measures(rs, "b_"), rs.getBigDecimal("b_real_cost_usd"),
                        rs.getBigDecimal("b_rated_cost_usd"), legacy + noDetail, differs[0]));
            }
        });
    }

    /** CRS's totals of {@code outer} against the baseline rows of {@code inner} inside each bucket. */
    private void within(Connection c, Granularity outer, Granularity inner, String bucketOf,
            Consumer<ReportLine> out) throws SQLException {
        String sql = BaselineSql.totalsAgainst(BaselineSql.baselineSums(bucketOf));
        List<Object> params = sumsParams(inner, true);
        params.add(importId);
        params.add(outer.column());
        Duration retention = inner == Granularity.HOUR ? HOURLY_RETENTION : DAILY_RETENTION;
        String check = inner == Granularity.HOUR ? "hours" : "days";
        Cause expired = inner == Granularity.HOUR ? Cause.EXPIRED_HOURLY_DETAIL : Cause.EXPIRED_DAILY_DETAIL;
        query(c, sql, params, rs -> {
            if (rs.getObject("c_requests") == null) {
                return;
            }
            Instant start = instant(rs, "bucket_start");
            boolean mayHaveExpired = start.isBefore(now.minus(retention));
            boolean anyAbove = false;
            List<ReportLine> lines = new ArrayList<>();
            for (String m : BaselineSql.MEASURES) {
                long crs = rs.getLong("c_" + m);
                long base = rs.getLong("b_" + m);
                anyAbove |= base > crs;
                if (crs != base) {
                    lines.add(new ReportLine(rs.getString("kind"), rs.getString("subject_id"), outer.column(),
                            offset.label(outer, start), check, m, Long.toString(crs), Long.toString(base), null));
                }
            }
            Cause cause = mayHaveExpired && !anyAbove ? expired : Cause.UNEXPLAINED;
            // Expired detail is one line per bucket (its first differing measure, requests where they differ):
            // months of history hold it for every key and day. Anything unexplained lists every measure.
            for (ReportLine line : cause == Cause.UNEXPLAINED ? lines : lines.subList(0, Math.min(1, lines.size()))) {
                out.accept(new ReportLine(line.kind(), line.subject(), line.granularity(), line.bucket(),
                        line.check(), line.measure(), line.crs(), line.baseline(), cause));
            }
        });
    }

    /** Baseline rows of {@code inner} inside the {@code outer} bucket that ends after the cutoff. */
    private void pastCutoff(Connection c, Granularity outer, Granularity inner, String bucketOf,
            Consumer<ReportLine> out) throws SQLException {
        Instant open = offset.start(outer, offset.label(outer, cutoff));
        if (!open.isBefore(cutoff)) {
            return;
        }
        List<Object> params = sumsParams(inner, true);
        params.add(utc(open));
        params.add(importId);
        params.add(outer.column());
        query(c, BaselineSql.pastCutoff(BaselineSql.baselineSums(bucketOf)), params, rs -> out.accept(
                new ReportLine(rs.getString("kind"), rs.getString("subject_id"), outer.column(),
                        offset.label(outer, instant(rs, "bucket_start")), "cutoff", "requests", "",
                        Long.toString(rs.getLong("requests")), Cause.BUCKET_PAST_CUTOFF)));
    }

    private void live(Connection c, Consumer<ReportLine> out) throws SQLException {
        query(c, BaselineSql.LIVE_BEFORE_CUTOFF, List.of(utc(cutoff), importId), rs -> out.accept(
                new ReportLine("key", rs.getString("api_key_id"), "", instant(rs, "first_at") + ".."
                        + instant(rs, "last_at"), "live", "requests", "", Long.toString(rs.getLong("requests")),
                        Cause.POSSIBLE_OVERLAP)));
    }

    /** The parameters of a {@link BaselineSql#baselineSums} query over {@code g}'s rows. */
    private List<Object> sumsParams(Granularity g, boolean bucketOfHasOffset) {
        List<Object> params = new ArrayList<>();
        for (int branch = 0; branch < 2; branch++) {
            if (bucketOfHasOffset) {
                params.add(offset.minutes());
                params.add(offset.minutes());
            }
            params.add(importId);
            params.add(g.column());
        }
        return params;
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, List<Object> params, RowHandler handler)
            throws SQLException {
        // Streamed row by row (Connector/J: forward-only, read-only, fetch size MIN_VALUE): memory stays flat.
        try (PreparedStatement s = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(Integer.MIN_VALUE);
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        }
    }

    private static long[] measures(ResultSet rs, String prefix) throws SQLException {
        long[] values = new long[BaselineSql.MEASURES.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rs.getLong(prefix + BaselineSql.MEASURES.get(i));
        }
        return values;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
