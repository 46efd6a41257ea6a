-- usage-ledger schema, version 4: the ledger in time order, for stats-api (CONTRACT §5).
--
-- GET /v1/ledger pages by keyset on (occurred_at, request_id): each page starts right after the
-- last record of the one before, so a page deep in a range reads what the first does. Without this
-- index a page without a key filter scanned the whole range up to it (the primary key starts with
-- request_id). A key filter keeps using ix_usage_records_key_time, whose entries also end with
-- request_id (InnoDB appends the primary key). The index costs the consumer one more B-tree insert
-- per request; the ledger sums of stats-api over sub-hour edges use it as well.
CREATE INDEX ix_usage_records_time ON usage_records (occurred_at, request_id);
