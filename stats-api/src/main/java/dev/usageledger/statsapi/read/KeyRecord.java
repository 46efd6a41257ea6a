package dev.usageledger.statsapi.read;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One ledger row as a CRS usage record shows it: the record of {@code GET /v1/ledger} plus the long-context flag, the
 * duration and the real cost's breakdown per token class (null when the request was not priced from the catalog).
 */
public record KeyRecord(LedgerRecord record, boolean longContext, Long durationMs, Breakdown breakdown) {

    /** Real cost per token class; cache writes are the 5-minute and 1-hour writes together. */
    public record Breakdown(BigDecimal input, BigDecimal output, BigDecimal cacheCreate, BigDecimal cacheRead) {}

    /** Reads the current row of {@link ReadSql#keyRecordPage}. */
    static KeyRecord read(ResultSet rs) throws SQLException {
        LedgerRecord record = LedgerRecord.read(rs);
        long duration = rs.getLong(18);
        Long durationMs = rs.wasNull() ? null : duration;
        BigDecimal input = rs.getBigDecimal(19);
        Breakdown breakdown = input == null ? null : new Breakdown(input, rs.getBigDecimal(20),
                rs.getBigDecimal(21).add(rs.getBigDecimal(22)), rs.getBigDecimal(23));
        return new KeyRecord(record, rs.getBoolean(17), durationMs, breakdown);
    }
}
