-- usage-ledger schema, version 3: the cost breakdown moves into the ledger row (issue #3).
--
-- Version 1 kept the per-token-class breakdown of catalog-priced requests in its own table,
-- usage_cost_breakdowns: a second ledger row per request, which cost the consumer ~25 µs of server
-- time per event for data that is only displayed and audited. The same five columns, nullable, now
-- sit in usage_records: NULL (all five) when the request was not priced from the catalog (the relay
-- sent its own cost, or a fixed rate applied). Same meaning as before: the ledger's real_cost_usd is
-- the rounded exact sum, not the sum of these. Existing breakdowns are copied, then the table goes.
ALTER TABLE usage_records
    ADD COLUMN input_cost_usd          DECIMAL(20,10) NULL,
    ADD COLUMN output_cost_usd         DECIMAL(20,10) NULL,
    ADD COLUMN cache_write_5m_cost_usd DECIMAL(20,10) NULL,
    ADD COLUMN cache_write_1h_cost_usd DECIMAL(20,10) NULL,
    ADD COLUMN cache_read_cost_usd     DECIMAL(20,10) NULL;

UPDATE usage_records r
    JOIN usage_cost_breakdowns b ON b.request_id = r.request_id AND b.occurred_at = r.occurred_at
SET r.input_cost_usd = b.input_cost_usd,
    r.output_cost_usd = b.output_cost_usd,
    r.cache_write_5m_cost_usd = b.cache_write_5m_cost_usd,
    r.cache_write_1h_cost_usd = b.cache_write_1h_cost_usd,
    r.cache_read_cost_usd = b.cache_read_cost_usd;

DROP TABLE usage_cost_breakdowns;
