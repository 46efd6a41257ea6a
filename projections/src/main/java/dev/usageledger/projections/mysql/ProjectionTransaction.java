package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One MySQL transaction of the projection, spanning one consumer poll or several (opened by
 * {@link ProjectionWriter#open}): fewer commits, and above all fewer stats rows per event, since the polls' stats are
 * folded together ({@link ProjectionBuffer}) and upserted once, at {@link #commit}.
 *
 * <p>{@link #add} writes a poll at once, in this order:
 * <ol>
 *   <li>advance the stored offset of every partition of the poll, in partition order, only while this consumer's
 *       epoch is current (otherwise {@link FencedException}); this also serialises writers of the same partition;
 *   <li>claim the poll's event ids in {@code ledger_event_ids} (in id order) with a token of its own, then read back
 *       which ids carry the token: only those are new. The database decides, inside the transaction, even against
 *       a concurrent consumer of another partition carrying the same id, or an earlier poll of this transaction.
 *       Where the sink counts the ids it claimed and that is all of them, the read-back is skipped;
 *   <li>insert the new events into the ledger ({@code usage_records}, one row per request with its cost breakdown,
 *       and {@code cost_adjustments}).
 * </ol>
 * {@link #commit} upserts the folded stats rows in table and primary-key order, then commits. Rows travel through
 * the writer's {@link ProjectionSink}, chosen again for each poll and for the stats.
 *
 * <p>Nothing is visible to others before {@link #commit}. On any failure the transaction is rolled back and
 * unusable: the caller must read every poll of it again from the offsets stored in MySQL (they did not move). It is
 * never retried here. Not thread-safe: one consumer thread owns it.
 */
public final class ProjectionTransaction implements AutoCloseable {

    private static final int ID_QUERY_CHUNK = 1000;

    private final ProjectionWriter writer;
    private final Connection connection;
    private final ProjectionBuffer buffer;
    private boolean finished;

    ProjectionTransaction(ProjectionWriter writer, Connection connection, ProjectionBuffer buffer) {
        this.writer = writer;
        this.connection = connection;
        this.buffer = buffer;
    }

    /**
     * Writes one poll into the transaction.
     *
     * @throws FencedException     another consumer claimed one of the poll's partitions; the transaction is rolled back
     * @throws ProjectionException the database failed; the transaction is rolled back
     */
    public void add(ProjectionBatch poll) {
        add(ProjectionBuffer.Poll.of(poll));
    }

    void add(ProjectionBuffer.Poll poll) {
        requireOpen();
        try {
            apply(poll);
        } catch (SQLException e) {
            throw fail("projecting poll " + (buffer.polls() + 1) + " of a transaction", e);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /**
     * Upserts the folded stats of every poll, in primary-key order, and commits.
     *
     * @throws ProjectionException the database failed; nothing of any poll was committed
     */
    public WriteResult commit() {
        requireOpen();
        try {
            int rows = writer.sink().on(connection).stats(connection, buffer.stats());
            connection.commit();
            finished = true;
            JdbcTransaction.closeQuietly(connection, new SQLException("closing after commit"));
            return writer.count(buffer.counts(rows));
        } catch (SQLException e) {
            throw fail("committing " + buffer.polls() + " polls", e);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Polls added so far. */
    public int polls() {
        return buffer.polls();
    }

    /** Stats rows the polls added so far fold into (what {@link #commit} will upsert). */
    public int statsRows() {
        return buffer.statsRows();
    }

    /** Events of the polls added so far, duplicates included. */
    public int events() {
        return buffer.events();
    }

    /** Rolls back unless committed, and returns the connection to its pool. Idempotent. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        SQLException ignored = new SQLException("closing an uncommitted transaction");
        JdbcTransaction.rollbackQuietly(connection, ignored);
        JdbcTransaction.closeQuietly(connection, ignored);
    }

    /** Steps 1 to 3 of the class comment for one poll, its new events added to the buffer. */
    private void apply(ProjectionBuffer.Poll poll) throws SQLException {
        advanceOffsets(poll.batch());
        long token = writer.nextToken();
        ProjectionSink sink = writer.sink().on(connection);
        Set<String> newUsageIds = claim(sink, ProjectionSql.USAGE_KIND, poll.usage(), token);
        Set<String> newAdjustmentIds = claim(sink, ProjectionSql.ADJUSTMENT_KIND, poll.adjustments(), token);
        List<UsageRecorded> freshUsage = poll.usage().values().stream()
                .filter(u -> newUsageIds.contains(u.requestId())).toList();
        List<CostAdjusted> freshAdjustments = poll.adjustments().values().stream()
                .filter(a -> newAdjustmentIds.contains(a.adjustmentId())).toList();
        sink.usageRecords(connection, freshUsage);
        sink.adjustments(connection, freshAdjustments);
        buffer.add(poll, freshUsage, freshAdjustments);
    }

    private void advanceOffsets(ProjectionBatch batch) throws SQLException {
        LocalDateTime now = LedgerRows.utc(writer.now());
        try (PreparedStatement ps = connection.prepareStatement(ProjectionSql.ADVANCE_OFFSET)) {
            for (Map.Entry<Integer, Long> e : new TreeMap<>(batch.nextOffsets()).entrySet()) {
                Long epoch = batch.epochs().get(e.getKey());
                if (epoch == null) {
                    throw new FencedException(batch.topic(), e.getKey(), -1);
                }
                ps.setLong(1, e.getValue());
                ps.setObject(2, now);
                ps.setString(3, batch.consumerGroup());
                ps.setString(4, batch.topic());
                ps.setInt(5, e.getKey());
                ps.setLong(6, epoch);
                if (ps.executeUpdate() != 1) {
                    throw new FencedException(batch.topic(), e.getKey(), epoch);
                }
            }
        }
    }

    /** Claims the ids with this attempt's token and returns those it got: the new ones. */
    private Set<String> claim(ProjectionSink sink, String kind, Map<String, ? extends LedgerEvent> events, long token)
            throws SQLException {
        if (events.isEmpty()) {
            return Set.of();
        }
        // Sorted, so concurrent consumers claiming overlapping ids lock them in the same order.
        List<LedgerEvent> sorted = new ArrayList<>(events.values());
        sorted.sort(Comparator.comparing(LedgerEvent::eventId));
        // The ids are distinct (the poll's map keys): as many claimed as sent means each one was.
        if (sink.claimIds(connection, kind, sorted, token) == sorted.size()) {
            return events.keySet();
        }
        return claimed(kind, sorted, token);
    }

    /** The ids among {@code sorted} that carry this attempt's token. */
    private Set<String> claimed(String kind, List<LedgerEvent> sorted, long token) throws SQLException {
        Set<String> claimed = new HashSet<>();
        for (int from = 0; from < sorted.size(); from += ID_QUERY_CHUNK) {
            List<LedgerEvent> chunk = sorted.subList(from, Math.min(sorted.size(), from + ID_QUERY_CHUNK));
            try (PreparedStatement ps = connection.prepareStatement(ProjectionSql.selectClaimedEventIds(chunk.size()))) {
                ps.setString(1, kind);
                ps.setLong(2, token);
                int i = 3;
                for (LedgerEvent e : chunk) {
                    ps.setString(i++, e.eventId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(rs.getString(1));
                    }
                }
            }
        }
        return claimed;
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("the transaction is already committed or rolled back");
        }
    }

    private ProjectionException fail(String what, SQLException e) {
        finished = true;
        ProjectionException failure = new ProjectionException(what + " failed",
                JdbcTransaction.rolledBack(connection, e));
        JdbcTransaction.closeQuietly(connection, failure);
        return failure;
    }

    private RuntimeException fail(RuntimeException e) {
        finished = true;
        JdbcTransaction.rollbackQuietly(connection, e);
        JdbcTransaction.closeQuietly(connection, e);
        return e;
    }
}
