package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.version.FirstAccepted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 *       Where the sink counts the ids it claimed and that is all of them, the read-back is skipped, and nothing
 *       of step 3 happens: a new id costs its claim and its ledger row only;
 *   <li>for the ids claimed before, read their counted ledger rows with a locking read in id order, and decide on
 *       each ({@link FirstAccepted}): same caller-sent fields, a duplicate; else a {@code ledger_conflicts} row, and
 *       when the poll's version was accepted earlier (within the swap horizon) it replaces the counted one: the old
 *       ledger row deleted, the claim pointed at the new one, the old version's measures folded negatively. An id
 *       whose counted row is gone (its month dropped by {@code ledger retention}, the claim kept) is a plain duplicate:
 *       nothing to compare, nothing swapped;
 *   <li>insert the events that count now into the ledger ({@code usage_records}, one row per request with its cost
 *       breakdown, and {@code cost_adjustments}), and one {@code ledger_conflicts} row per conflict, those within
 *       the poll included.
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
        add(ProjectionBuffer.Poll.of(poll, writer.firstAccepted()));
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
            return writer.count(buffer.counts(rows), buffer.conflicts());
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

    /** Steps 1 to 4 of the class comment for one poll, what it counts folded into the buffer. */
    private void apply(ProjectionBuffer.Poll poll) throws SQLException {
        advanceOffsets(poll.batch());
        long token = writer.nextToken();
        ProjectionSink sink = writer.sink().on(connection);
        ProjectionBuffer.Written<UsageRecorded> usage = resolve(sink, ProjectionSql.USAGE_KIND, poll,
                poll.usage(), token, UsageRecorded.class);
        ProjectionBuffer.Written<CostAdjusted> adjustments = resolve(sink, ProjectionSql.ADJUSTMENT_KIND, poll,
                poll.adjustments(), token, CostAdjusted.class);
        if (!usage.removed().isEmpty() || !adjustments.removed().isEmpty()) {
            replace(usage.removed(), adjustments.removed());
        }
        sink.usageRecords(connection, usage.added());
        sink.adjustments(connection, adjustments.added());
        insertConflicts(poll.conflicts(), List.of(usage.conflicts(), adjustments.conflicts()));
        buffer.add(poll, usage, adjustments);
    }

    /**
     * Claims the poll's ids of one kind; the new ones count. An id claimed before is compared with its counted
     * version ({@link FirstAccepted}): a duplicate adds nothing, a conflict is recorded, an earlier version swaps in.
     */
    private <E extends LedgerEvent> ProjectionBuffer.Written<E> resolve(ProjectionSink sink, String kind,
            ProjectionBuffer.Poll poll, Map<String, E> events, long token, Class<E> type) throws SQLException {
        Set<String> fresh = claim(sink, kind, events, token);
        if (fresh.size() == events.size()) {
            return new ProjectionBuffer.Written<>(List.copyOf(events.values()), events.size(), List.of(), List.of());
        }
        List<E> added = new ArrayList<>();
        for (E e : events.values()) {
            if (fresh.contains(e.eventId())) {
                added.add(e);
            }
        }
        int freshCount = added.size();
        List<String> claimedBefore = events.keySet().stream().filter(id -> !fresh.contains(id)).sorted().toList();
        Map<String, LedgerEvent> counted = counted(kind, claimedBefore);
        Map<String, ProjectionBatch.Position> positions = positions(poll.batch(), events, claimedBefore);
        List<E> removed = new ArrayList<>();
        List<ResendConflict> conflicts = new ArrayList<>();
        for (String id : claimedBefore) {
            LedgerEvent stored = counted.get(id);
            if (stored == null) {
                continue; // the ledger row is gone (past retention): the claim alone says it counted
            }
            E read = events.get(id);
            FirstAccepted.Decision decision = writer.firstAccepted().decide(stored, read);
            if (decision.outcome() == FirstAccepted.Outcome.DUPLICATE) {
                continue;
            }
            conflicts.add(new ResendConflict(kind, stored, read, decision, poll.batch().topic(), positions.get(id)));
            if (decision.swaps()) {
                removed.add(type.cast(stored));
                added.add(read);
            }
        }
        return new ProjectionBuffer.Written<>(added, freshCount, removed, conflicts);
    }

    /** The counted versions of {@code sortedIds}, locked ({@link ProjectionSql#selectCountedUsage}). */
    private Map<String, LedgerEvent> counted(String kind, List<String> sortedIds) throws SQLException {
        Map<String, LedgerEvent> counted = new HashMap<>();
        boolean usage = ProjectionSql.USAGE_KIND.equals(kind);
        for (int from = 0; from < sortedIds.size(); from += ID_QUERY_CHUNK) {
            List<String> chunk = sortedIds.subList(from, Math.min(sortedIds.size(), from + ID_QUERY_CHUNK));
            String sql = usage ? ProjectionSql.selectCountedUsage(chunk.size())
                    : ProjectionSql.selectCountedAdjustments(chunk.size());
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, kind);
                int i = 2;
                for (String id : chunk) {
                    ps.setString(i++, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LedgerEvent e = usage ? LedgerRows.readUsageRecord(rs) : LedgerRows.readAdjustment(rs);
                        counted.put(e.eventId(), e);
                    }
                }
            }
        }
        return counted;
    }

    /** Where the poll's kept version ({@code kept}) of each of {@code ids} was read. */
    private static Map<String, ProjectionBatch.Position> positions(ProjectionBatch batch,
            Map<String, ? extends LedgerEvent> kept, List<String> ids) {
        Map<String, ProjectionBatch.Position> positions = new HashMap<>();
        if (batch.positions().isEmpty()) {
            return positions;
        }
        Set<String> wanted = new HashSet<>(ids);
        List<LedgerEvent> events = batch.events();
        for (int i = 0; i < events.size(); i++) {
            if (wanted.contains(events.get(i).eventId()) && kept.get(events.get(i).eventId()) == events.get(i)) {
                positions.put(events.get(i).eventId(), batch.position(i));
            }
        }
        return positions;
    }

    /**
     * Deletes the ledger rows of replaced versions (locked by {@link #counted}) before their replacements are
     * inserted, and points their claims at the replacements' {@code occurred_at}.
     */
    private void replace(List<UsageRecorded> usage, List<CostAdjusted> adjustments) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ProjectionSql.DELETE_USAGE_RECORD)) {
            for (UsageRecorded u : usage) {
                ps.setObject(1, LedgerRows.utc(u.occurredAt()));
                ps.setString(2, u.requestId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement(ProjectionSql.DELETE_COST_ADJUSTMENT)) {
            for (CostAdjusted a : adjustments) {
                ps.setString(1, a.adjustmentId());
                ps.setObject(2, LedgerRows.utc(a.occurredAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One {@code ledger_conflicts} row per conflict. The claim follows a version that replaced the counted one
     * ({@code againstCounted}); a swap within the poll ({@code withinPoll}) moves no claim: the poll's kept version
     * is claimed as it is, or lost to the counted one, whose claim must keep pointing at its ledger row.
     */
    private void insertConflicts(List<ResendConflict> withinPoll, List<List<ResendConflict>> againstCounted)
            throws SQLException {
        if (withinPoll.isEmpty() && againstCounted.stream().allMatch(List::isEmpty)) {
            return;
        }
        LocalDateTime now = LedgerRows.utc(writer.now());
        try (PreparedStatement conflict = connection.prepareStatement(ProjectionSql.INSERT_CONFLICT);
                PreparedStatement claim = connection.prepareStatement(ProjectionSql.UPDATE_CLAIM)) {
            for (ResendConflict c : withinPoll) {
                writer.conflictRows().bind(conflict, c, now);
                conflict.addBatch();
            }
            for (List<ResendConflict> list : againstCounted) {
                for (ResendConflict c : list) {
                    writer.conflictRows().bind(conflict, c, now);
                    conflict.addBatch();
                    if (c.swapped()) {
                        claim.setObject(1, LedgerRows.utc(c.resent().occurredAt()));
                        claim.setString(2, c.kind());
                        claim.setString(3, c.resent().eventId());
                        claim.addBatch();
                    }
                }
            }
            conflict.executeBatch();
            claim.executeBatch();
        }
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
