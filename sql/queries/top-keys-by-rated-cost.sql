-- Which API keys cost the most in a calendar month of the reporting zone? The 20 largest by rated
-- cost (what the key holders are charged), with real cost and requests, from the key rollup's month
-- rows: one row per key, usage and cost (adjustments included) summed over models.
-- @month_start: the UTC instant at which the month starts in the reporting zone (bucket_start).
SET @month_start = '2026-03-01 00:00:00';

SELECT api_key_id, rated_cost_usd, real_cost_usd, requests, unpriced_requests
FROM key_stats
WHERE granularity = 'month' AND bucket_start = @month_start
  AND (requests <> 0 OR real_cost_usd <> 0 OR rated_cost_usd <> 0)
ORDER BY rated_cost_usd DESC, api_key_id
LIMIT 20;
