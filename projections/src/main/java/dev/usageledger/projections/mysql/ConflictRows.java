package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;

/** Binds a {@link ResendConflict} to {@link ProjectionSql#INSERT_CONFLICT}: both versions in their wire JSON. */
final class ConflictRows {

    private final EventCodec codec;

    ConflictRows(EventCodec codec) {
        this.codec = codec;
    }

    void bind(PreparedStatement ps, ResendConflict c, LocalDateTime seenAt) throws SQLException {
        ps.setString(1, c.kind());
        ps.setString(2, c.resent().eventId());
        ps.setString(3, String.join(",", c.decision().differingFields()));
        ps.setString(4, new String(codec.encode(c.counted()), StandardCharsets.UTF_8));
        ps.setString(5, new String(codec.encode(c.resent()), StandardCharsets.UTF_8));
        ps.setString(6, c.counted().apiKeyId());
        ps.setString(7, c.resent().apiKeyId());
        ps.setBoolean(8, c.swapped());
        ProjectionBatch.Position at = c.position();
        if (at == null) {
            ps.setNull(9, Types.VARCHAR);
            ps.setNull(10, Types.INTEGER);
            ps.setNull(11, Types.BIGINT);
        } else {
            ps.setString(9, c.topic());
            ps.setInt(10, at.partition());
            ps.setLong(11, at.offset());
        }
        ps.setObject(12, seenAt);
    }
}
