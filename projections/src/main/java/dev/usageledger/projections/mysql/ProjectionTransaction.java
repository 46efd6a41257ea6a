package dev.usageledger.projections.mysql;

import dev.usageledger.projections.fold.BatchFold;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One MySQL transaction spanning several consumer polls (opened by {@link ProjectionWriter#open}): fewer
 * commits, and above all fewer stats rows per event, since the polls' stats are folded together and upserted
 * once, at {@link #commit}.
 *
 * <p>{@link #add} writes a poll at once — stored offsets advanced (epoch-fenced), ids claimed with a token of
 * its own, new events inserted into the ledger — so memory holds the folded stats, never the polls' events.
 * Nothing is visible to others before {@link #commit}. On any failure the transaction is rolled back and
 * unusable: the caller must read every poll of it again from the offsets stored in MySQL (they did not move).
 * It is never retried here, since the earlier polls' events are gone. Not thread-safe: one consumer thread owns it.
 */
public final class ProjectionTransaction implements AutoCloseable {

    private final ProjectionWriter writer;
    private final Connection connection;
    private final BatchFold.Accumulator folded;
    private ProjectionWriter.Counts counts = ProjectionWriter.Counts.NONE;
    private int polls;
    private boolean finished;

    ProjectionTransaction(ProjectionWriter writer, Connection connection, BatchFold.Accumulator folded) {
        this.writer = writer;
        this.connection = connection;
        this.folded = folded;
    }

    /**
     * Writes one poll into the transaction.
     *
     * @throws FencedException     another consumer claimed one of the poll's partitions; the transaction is rolled back
     * @throws ProjectionException the database failed; the transaction is rolled back
     */
    public void add(ProjectionBatch poll) {
        requireOpen();
        try {
            counts = counts.plus(writer.apply(connection, ProjectionWriter.Poll.of(poll), folded));
            polls++;
        } catch (SQLException e) {
            throw fail("projecting poll " + (polls + 1) + " of a transaction", e);
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
            int rows = writer.upsertStats(connection, folded.result());
            connection.commit();
            finished = true;
            JdbcTransaction.closeQuietly(connection, new SQLException("closing after commit"));
            return writer.count(counts.plusStatsRows(rows));
        } catch (SQLException e) {
            throw fail("committing " + polls + " polls", e);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Polls added so far. */
    public int polls() {
        return polls;
    }

    /** Stats rows the polls added so far fold into (what {@link #commit} will upsert). */
    public int statsRows() {
        return folded.rows();
    }

    /** Events of the polls added so far, duplicates included. */
    public int events() {
        return counts.usageEvents() + counts.adjustmentEvents();
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
