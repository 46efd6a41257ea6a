-- usage-ledger schema, version 7: cost adjustments indexed by time.
--
-- The operator CLI's rebuild (docs/operations.md, "ledger rebuild") reads a time range of the ledger with a
-- locking read, so that an adjustment committed into the range meanwhile waits for the rebuild's commit and is
-- neither lost nor counted twice. usage_records is keyed by (occurred_at, request_id) and needs nothing more;
-- cost_adjustments is keyed by (adjustment_id, occurred_at), so without this index the range read would scan,
-- and lock, the whole table. verify reads the same ranges without locks through it.
CREATE INDEX ix_cost_adjustments_time ON cost_adjustments (occurred_at);
