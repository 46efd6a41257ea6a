-- usage-ledger schema, version 8: the ledger partitioned by UTC month, so that retention drops a month whole
-- (docs/operations.md, "Retention").
--
-- usage_records and cost_adjustments (both keyed by time since V4/V1: every unique key holds occurred_at) are
-- partitioned by RANGE COLUMNS over occurred_at, a DATETIME: partition pruning works on the range reads of stats-api,
-- verify and rebuild, and the same text runs on MySQL 8.4 and MariaDB. This version leaves one partition, the catch-all
-- p_future (LESS THAN MAXVALUE), so an insert is never refused; `ledger retention` splits month partitions
-- p<yyyymm> ([first day of the month, first day of the next), UTC) off it ahead of time (REORGANIZE PARTITION, cheap
-- while p_future is empty) and drops those past ledger.retention.ledger (DROP PARTITION, no DELETE).
-- The statements are LedgerPartitions.partitionBy(table) in projections, asserted equal by LedgerPartitionsTest.
--
-- On an existing ledger each ALTER copies the table, and writers wait for the copy: stop every consumer first (as for
-- every migration), then run `ledger retention` once before starting them again (it copies p_future's rows into their
-- months a second time). Measured figures are in docs/operations.md.
ALTER TABLE usage_records PARTITION BY RANGE COLUMNS (occurred_at) (PARTITION p_future VALUES LESS THAN (MAXVALUE));

ALTER TABLE cost_adjustments PARTITION BY RANGE COLUMNS (occurred_at) (PARTITION p_future VALUES LESS THAN (MAXVALUE));

-- Id claims expire by age (their occurred_at) in bounded range deletes through this index; without it each batch would
-- scan the primary key (event_kind, event_id). Cost: one more B-tree entry (about 40 bytes) per new event, appended
-- near the index's end for live traffic; a duplicate claims nothing and writes no entry; a version swap moves one.
CREATE INDEX ix_ledger_event_ids_time ON ledger_event_ids (occurred_at);

-- What retention has removed, per subject: the ledger before kept_from (dropped months), hour rows of the stats
-- before kept_from, id claims whose occurred_at is before kept_from. Written by `ledger retention` before it removes
-- anything, never moved back; `ledger verify` and `ledger rebuild` refuse a range before the ledger's kept_from and
-- leave out hour cells and id checks before theirs. No row: nothing removed.
CREATE TABLE ledger_retention (
    subject                 VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kept_from               DATETIME(3)   NOT NULL,
    updated_at              DATETIME(3)   NOT NULL,
    PRIMARY KEY (subject),
    CONSTRAINT ck_ledger_retention_subject CHECK (subject IN ('ledger', 'hourly', 'claims'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
