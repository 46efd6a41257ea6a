-- Which models does the catalog not price, and how much traffic do they carry? Requests recorded
-- with pricing source 'unpriced' (cost 0) per model over a UTC range, straight from the ledger
-- (an index range on occurred_at when the range is short; see the view unpriced_requests_by_model).
SET @from = '2026-03-01 00:00:00';
SET @to = '2026-04-01 00:00:00';

SELECT model,
       COUNT(*) AS requests,
       SUM(input_tokens + output_tokens + cache_create_tokens + cache_read_tokens) AS tokens,
       COUNT(DISTINCT api_key_id) AS api_keys,
       MIN(occurred_at) AS first_seen,
       MAX(occurred_at) AS last_seen
FROM usage_records
WHERE occurred_at >= @from AND occurred_at < @to AND pricing_source = 'unpriced'
GROUP BY model
ORDER BY requests DESC, model;
