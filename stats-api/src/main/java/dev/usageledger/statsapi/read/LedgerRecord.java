package dev.usageledger.statsapi.read;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** One row of {@code usage_records} as {@code GET /v1/ledger} shows it (CONTRACT §5). */
public record LedgerRecord(String requestId, Instant occurredAt, String apiKeyId, String accountId,
        String accountType, String model, long inputTokens, long outputTokens, long cacheCreateTokens,
        long cacheReadTokens, long ephemeral5mTokens, long ephemeral1hTokens, BigDecimal realCostUsd,
        BigDecimal ratedCostUsd, String pricingSource, String pricingVersion) {

    /** Reads the current row of a query selecting {@link ReadSql#LEDGER_COLUMNS}. */
    static LedgerRecord read(ResultSet rs) throws SQLException {
        return new LedgerRecord(rs.getString(1), rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7), rs.getLong(8),
                rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBigDecimal(13),
                rs.getBigDecimal(14), rs.getString(15), rs.getString(16));
    }

    public LedgerCursor.Position position() {
        return new LedgerCursor.Position(occurredAt, requestId);
    }
}
