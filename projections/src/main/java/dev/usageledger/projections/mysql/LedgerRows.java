package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Binds one row's parameters to the statements of {@link ProjectionSql}: the one place that maps an
 * event or a folded stats row to columns, shared by {@link BatchedInsertSink} and the benchmarks'
 * baseline writers (which must write exactly the rows the projection writes).
 */
public final class LedgerRows {

    private LedgerRows() {}

    /**
     * Binds all 30 parameters of {@link ProjectionSql#INSERT_USAGE_RECORD}; the five breakdown columns
     * are NULL when the cost has no breakdown (not priced from the catalog).
     */
    public static void bindUsageRecord(PreparedStatement ps, UsageRecorded u) throws SQLException {
        TokenUsage t = u.usage();
        ps.setString(1, u.requestId());
        ps.setObject(2, utc(u.occurredAt()));
        ps.setString(3, u.apiKeyId());
        ps.setString(4, u.accountId());
        ps.setString(5, u.accountType());
        ps.setString(6, u.model());
        ps.setString(7, u.reportedModel());
        ps.setLong(8, t.input());
        ps.setLong(9, t.output());
        ps.setLong(10, t.cacheCreate());
        ps.setLong(11, t.cacheRead());
        ps.setLong(12, t.ephemeral5m());
        ps.setLong(13, t.ephemeral1h());
        ps.setBigDecimal(14, u.cost().realUsd());
        ps.setBigDecimal(15, u.cost().ratedUsd());
        ps.setString(16, u.cost().source().wireName());
        ps.setString(17, u.cost().pricingVersion());
        ps.setString(18, u.serviceTier());
        ps.setBoolean(19, u.longContext());
        ps.setString(20, u.endpoint());
        setNullable(ps, 21, u.statusCode() == null ? null : u.statusCode().longValue(), Types.SMALLINT);
        if (u.stream() == null) {
            ps.setNull(22, Types.BOOLEAN);
        } else {
            ps.setBoolean(22, u.stream());
        }
        setNullable(ps, 23, u.durationMs(), Types.BIGINT);
        ps.setString(24, u.relayId());
        ps.setObject(25, u.receivedAt() == null ? null : utc(u.receivedAt()));
        CostBreakdown cb = u.cost().breakdown();
        if (cb == null) {
            for (int i = 26; i <= 30; i++) {
                ps.setNull(i, Types.DECIMAL);
            }
        } else {
            ps.setBigDecimal(26, cb.input());
            ps.setBigDecimal(27, cb.output());
            ps.setBigDecimal(28, cb.cacheWrite5m());
            ps.setBigDecimal(29, cb.cacheWrite1h());
            ps.setBigDecimal(30, cb.cacheRead());
        }
    }

    /** Binds one stats row to {@code table}'s {@link ProjectionSql.StatsTable#upsert}. */
    public static void bindStatsRow(PreparedStatement ps, ProjectionSql.StatsTable table, StatsKey k, Measures m)
            throws SQLException {
        int i = 1;
        ps.setString(i++, k.granularity().sqlName());
        ps.setObject(i++, k.bucketStart());
        ps.setString(i++, k.subjectId());
        if (!table.rollup) {
            ps.setString(i++, k.model());
        }
        if (table.tokens) {
            ps.setLong(i++, m.requests());
            ps.setLong(i++, m.unpricedRequests());
            ps.setLong(i++, m.inputTokens());
            ps.setLong(i++, m.outputTokens());
            ps.setLong(i++, m.cacheCreateTokens());
            ps.setLong(i++, m.cacheReadTokens());
            ps.setLong(i++, m.ephemeral5mTokens());
            ps.setLong(i++, m.ephemeral1hTokens());
        }
        if (table.cost) {
            ps.setBigDecimal(i++, m.realCostUsd());
            ps.setBigDecimal(i, m.ratedCostUsd());
        }
    }

    /** Binds all 11 parameters of {@link ProjectionSql#INSERT_COST_ADJUSTMENT}. */
    public static void bindAdjustment(PreparedStatement ps, CostAdjusted a) throws SQLException {
        ps.setString(1, a.adjustmentId());
        ps.setObject(2, utc(a.occurredAt()));
        ps.setString(3, a.apiKeyId());
        ps.setString(4, a.accountId());
        ps.setString(5, a.model());
        ps.setBigDecimal(6, a.realUsd());
        ps.setBigDecimal(7, a.ratedUsd());
        ps.setString(8, a.reason());
        ps.setString(9, a.requestedBy());
        ps.setObject(10, a.receivedAt() == null ? null : utc(a.receivedAt()));
        ps.setString(11, a.requestId());
    }

    /**
     * The version a ledger row stores, read from {@link ProjectionSql#USAGE_RECORD_COLUMNS} in their order (what
     * {@link #bindUsageRecord} binds): every field of the event, so that a stored version can be compared with a
     * resend and taken out of the stats.
     */
    static UsageRecorded readUsageRecord(ResultSet rs) throws SQLException {
        CostBreakdown breakdown = rs.getBigDecimal(26) == null ? null : new CostBreakdown(rs.getBigDecimal(26),
                rs.getBigDecimal(27), rs.getBigDecimal(28), rs.getBigDecimal(29), rs.getBigDecimal(30));
        AssessedCost cost = new AssessedCost(rs.getBigDecimal(14), rs.getBigDecimal(15), breakdown,
                PricingSource.fromWireName(rs.getString(16)), rs.getString(17));
        TokenUsage usage = new TokenUsage(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(12),
                rs.getLong(13), rs.getLong(11));
        int status = rs.getInt(21);
        Integer statusCode = rs.wasNull() ? null : status;
        boolean streamed = rs.getBoolean(22);
        Boolean stream = rs.wasNull() ? null : streamed;
        long duration = rs.getLong(23);
        Long durationMs = rs.wasNull() ? null : duration;
        return new UsageRecorded(LedgerEvent.CURRENT_SCHEMA_VERSION, rs.getString(1), instant(rs, 2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), usage, rs.getString(18),
                rs.getBoolean(19), rs.getString(20), statusCode, stream, durationMs, rs.getString(24),
                instant(rs, 25), cost);
    }

    /** The adjustment a row stores, read from {@link ProjectionSql#COST_ADJUSTMENT_COLUMNS} in their order. */
    static CostAdjusted readAdjustment(ResultSet rs) throws SQLException {
        return new CostAdjusted(LedgerEvent.CURRENT_SCHEMA_VERSION, rs.getString(1), instant(rs, 2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getString(8),
                rs.getString(9), instant(rs, 10), rs.getString(11));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime utc = rs.getObject(column, LocalDateTime.class);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    private static void setNullable(PreparedStatement ps, int index, Long value, int sqlType) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType);
        } else {
            ps.setLong(index, value);
        }
    }

    static LocalDateTime utc(java.time.Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
