package dev.usageledger.statsapi.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the FOCUS export, day by day of the reporting zone: per (key, model) the day's usage and its stored
 * cost without adjustments, then each of the day's cost adjustments. All from one snapshot, streamed: memory holds
 * one day's adjustments, never the export.
 *
 * <p>Why the stored day rows minus the adjustments: {@code cost_stats} holds request costs plus adjustments per
 * (day, key, model) (CONTRACT §3), and {@code cost_adjustments} holds every adjustment with its instant, so the
 * day's request cost is exactly {@code cost_stats} less the day's adjustments of that key and model. That reads one
 * stored row per (day, key, model) instead of every request of the ledger, and the adjustments are few.
 */
public final class FocusReader {

    private final StatsReader snapshots;

    public FocusReader(StatsReader snapshots) {
        this.snapshots = snapshots;
    }

    /** One day's usage of one key and model, with the stored real and rated cost of those requests. */
    public record UsageRow(Span day, String apiKeyId, String model, long requests, long inputTokens,
            long outputTokens, long cacheCreateTokens, long cacheReadTokens, long ephemeral5mTokens,
            long ephemeral1hTokens, BigDecimal realCostUsd, BigDecimal ratedCostUsd) {}

    /** One row of {@code cost_adjustments}, in the day it belongs to. */
    public record AdjustmentRow(Span day, String adjustmentId, Instant occurredAt, String apiKeyId, String accountId,
            String model, BigDecimal realCostUsd, BigDecimal ratedCostUsd, String reason) {}

    /** Receives the rows in order: each day's usage rows (by key, then model), then its adjustments (by time). */
    public interface Sink {
        void usage(UsageRow row) throws IOException;

        void adjustment(AdjustmentRow row) throws IOException;
    }

    /** Streams the rows of {@code days}, consecutive days of the reporting zone in order. */
    public void export(List<Span> days, Sink sink) throws IOException {
        try {
            snapshots.inSnapshot(c -> {
                for (Span day : days) {
                    List<AdjustmentRow> adjustments = adjustments(c, day);
                    usage(c, day, adjusted(adjustments), sink);
                    for (AdjustmentRow adjustment : adjustments) {
                        emit(() -> sink.adjustment(adjustment));
                    }
                }
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static List<AdjustmentRow> adjustments(Connection c, Span day) throws SQLException {
        List<AdjustmentRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ReadSql.FOCUS_ADJUSTMENTS)) {
            ps.setObject(1, StatsReader.utc(day.from()));
            ps.setObject(2, StatsReader.utc(day.to()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AdjustmentRow(day, rs.getString(1),
                            rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getBigDecimal(6), rs.getBigDecimal(7),
                            rs.getString(8)));
                }
            }
        }
        return rows;
    }

    /** The day's adjustments summed per (key, model): what its {@code cost_stats} rows hold beyond request costs. */
    private static Map<List<String>, BigDecimal[]> adjusted(List<AdjustmentRow> adjustments) {
        Map<List<String>, BigDecimal[]> sums = new HashMap<>();
        for (AdjustmentRow a : adjustments) {
            BigDecimal[] sum = sums.computeIfAbsent(List.of(a.apiKeyId(), a.model()),
                    k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sum[0] = sum[0].add(a.realCostUsd());
            sum[1] = sum[1].add(a.ratedCostUsd());
        }
        return sums;
    }

    private static void usage(Connection c, Span day, Map<List<String>, BigDecimal[]> adjusted, Sink sink)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ReadSql.FOCUS_DAY_USAGE, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE);
            ps.setObject(1, StatsReader.utc(day.from()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal real = orZero(rs.getBigDecimal(10));
                    BigDecimal rated = orZero(rs.getBigDecimal(11));
                    BigDecimal[] adjustment = adjusted.get(List.of(rs.getString(1), rs.getString(2)));
                    if (adjustment != null) {
                        real = real.subtract(adjustment[0]);
                        rated = rated.subtract(adjustment[1]);
                    }
                    UsageRow row = new UsageRow(day, rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), real, rated);
                    emit(() -> sink.usage(row));
                }
            }
        }
    }

    private interface Emit {
        void run() throws IOException;
    }

    private static void emit(Emit emit) {
        try {
            emit.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
