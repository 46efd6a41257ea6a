package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.FoldedBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How a projection transaction's rows reach the database: id claims, ledger rows and folded stats rows, inside the
 * caller's transaction on {@code c}. Every sink stores the same rows, claims the same ids and adds the same sums
 * ({@link ProjectionSql} holds their SQL); they differ in how rows travel: {@link BatchedInsertSink} (rewritten
 * multi-row {@code INSERT}s, what every server accepts) or {@link LoadDataSink} ({@code LOAD DATA LOCAL INFILE},
 * where the server allows it). A sink never commits, never rolls back and never retries.
 */
public interface ProjectionSink {

    /** What {@link #claimIds} returns when the sink cannot tell how many ids it claimed. */
    long NOT_COUNTED = -1;

    /** The sink to use on this connection: this one, or one every server accepts where this one is refused. */
    ProjectionSink on(Connection c) throws SQLException;

    /**
     * Claims the ids of {@code sorted} (distinct, in id order: concurrent consumers lock them in the same order) with
     * this attempt's {@code token}, as {@link ProjectionSql#INSERT_EVENT_IDS} does: an id claimed before keeps its
     * row. Returns how many ids this attempt claimed, or {@link #NOT_COUNTED}.
     */
    long claimIds(Connection c, String kind, List<? extends LedgerEvent> sorted, long token) throws SQLException;

    /** Inserts the ledger rows of new usage events; fails unless every row is stored as given. */
    void usageRecords(Connection c, List<UsageRecorded> rows) throws SQLException;

    /** Inserts the ledger rows of new cost adjustments. */
    void adjustments(Connection c, List<CostAdjusted> rows) throws SQLException;

    /**
     * Adds the folded stats rows to the stats tables, always in the same table order and each table's rows in
     * primary-key order (the same locks in the same order on every path); returns the rows upserted.
     */
    int stats(Connection c, FoldedBatch folded) throws SQLException;
}
