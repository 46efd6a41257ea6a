package dev.usageledger.statsapi.read;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Ledger records in (occurred_at, request_id) order, by keyset: a page starts after a position, never at an offset,
 * so a page deep in a range costs what the first does, and a walk returns every record that was in the range when it
 * began exactly once while new records arrive (rows are never updated). Thread-safe.
 */
public final class LedgerReader {

    private final DataSource dataSource;
    private final StatsReader freshness;

    public LedgerReader(DataSource dataSource, StatsReader freshness) {
        this.dataSource = dataSource;
        this.freshness = freshness;
    }

    /** A page and, when more records follow, the position to continue after. */
    public record Page(List<LedgerRecord> records, LedgerCursor.Position next, Instant projectedAt) {}

    /** Receives streamed records one at a time. */
    public interface RecordSink {
        void accept(LedgerRecord record) throws java.io.IOException;
    }

    /** Up to {@code limit} records after {@code after} ({@code null}: from the start of the range). */
    public Page page(LedgerQuery query, LedgerCursor.Position after, int limit) {
        Instant projectedAt = freshness.projectedAt();
        List<LedgerRecord> records = new ArrayList<>(limit + 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ReadSql.ledgerPage(query.filters(), after != null, true))) {
            int p = bind(ps, query, after);
            ps.setInt(p, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(LedgerRecord.read(rs));
                }
            }
        } catch (SQLException e) {
            throw new ReadFailedException("reading the ledger", e);
        }
        if (records.size() <= limit) {
            return new Page(records, null, projectedAt);
        }
        List<LedgerRecord> page = List.copyOf(records.subList(0, limit));
        return new Page(page, page.get(limit - 1).position(), projectedAt);
    }

    /**
     * Every record of the range after {@code after}, streamed from the server row by row (Connector/J's streaming
     * result set: {@code fetchSize = Integer.MIN_VALUE}), so memory stays constant however long the range.
     *
     * <p>When the walk fails — the database, or the sink (a client that went away) — the connection is aborted and
     * evicted from the pool: closing a streaming result set would otherwise read every remaining row first, and a
     * connection whose stream broke must never serve another request.
     */
    public void stream(LedgerQuery query, LedgerCursor.Position after, RecordSink sink)
            throws java.io.IOException {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new ReadFailedException("streaming the ledger", e);
        }
        boolean broken = true;
        try (PreparedStatement ps = c.prepareStatement(ReadSql.ledgerPage(query.filters(), after != null, false),
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE);
            bind(ps, query, after);
            try (ResultSet rs = ps.executeQuery()) {
                try {
                    while (rs.next()) {
                        sink.accept(LedgerRecord.read(rs));
                    }
                    broken = false;
                } finally {
                    if (broken) {
                        discard(c);
                    }
                }
            }
        } catch (SQLException e) {
            if (!broken) {
                discard(c);
            }
            throw new ReadFailedException("streaming the ledger", e);
        } finally {
            closeQuietly(c);
        }
    }

    /** Closes the connection's socket now and takes it out of the pool (where the pool is HikariCP's). */
    private void discard(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // already unusable: eviction below is what matters
        }
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(c);
            }
        } catch (SQLException ignored) {
            // not a Hikari pool after all: the aborted connection fails its next validation
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // returned or discarded either way
        }
    }

    private static int bind(PreparedStatement ps, LedgerQuery query, LedgerCursor.Position after)
            throws SQLException {
        int p = 1;
        ps.setObject(p++, StatsReader.utc(query.from()));
        ps.setObject(p++, StatsReader.utc(query.to()));
        for (String value : query.filters().values()) {
            ps.setString(p++, value);
        }
        if (after != null) {
            ps.setObject(p++, StatsReader.utc(after.occurredAt()));
            ps.setObject(p++, StatsReader.utc(after.occurredAt()));
            ps.setString(p++, after.requestId());
        }
        return p;
    }
}
