-- Which API keys cost the most in a calendar month of the reporting zone? The 20 largest by rated
-- cost (what the key holders are charged), with real cost and requests, from the month rows (a key
-- with requests but no cost is listed with cost 0, as with adjustments but no requests).
-- @month_start: the UTC instant at which the month starts in the reporting zone (bucket_start).
SET @month_start = '2026-03-01 00:00:00';

SELECT api_key_id,
       SUM(rated_cost_usd) AS rated_cost_usd,
       SUM(real_cost_usd) AS real_cost_usd,
       SUM(requests) AS requests
FROM (SELECT api_key_id, CAST(0 AS DECIMAL(20,10)) AS rated_cost_usd,
             CAST(0 AS DECIMAL(20,10)) AS real_cost_usd, requests
      FROM usage_stats WHERE granularity = 'month' AND bucket_start = @month_start
      UNION ALL
      SELECT api_key_id, rated_cost_usd, real_cost_usd, 0
      FROM cost_stats WHERE granularity = 'month' AND bucket_start = @month_start) AS month_rows
GROUP BY api_key_id
HAVING SUM(requests) <> 0 OR SUM(real_cost_usd) <> 0 OR SUM(rated_cost_usd) <> 0
ORDER BY rated_cost_usd DESC, api_key_id
LIMIT 20;
