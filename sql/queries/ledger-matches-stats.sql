-- Do the day rows agree with the ledger? For every API key, the requests and rated cost of the
-- ledger (usage_records plus cost_adjustments) over one reporting-zone day next to the day rows of
-- usage_stats and cost_stats; a row only where they differ (an empty answer is the good one).
-- @day_start, @day_end: the UTC instants at which the day starts and ends in the reporting zone.
SET @day_start = '2026-03-29 00:00:00';
SET @day_end = '2026-03-30 00:00:00';

SELECT api_key_id,
       SUM(ledger_requests) AS ledger_requests, SUM(stats_requests) AS stats_requests,
       SUM(ledger_rated_usd) AS ledger_rated_usd, SUM(stats_rated_usd) AS stats_rated_usd
FROM (SELECT api_key_id, 1 AS ledger_requests, 0 AS stats_requests,
             rated_cost_usd AS ledger_rated_usd, 0 AS stats_rated_usd
      FROM usage_records WHERE occurred_at >= @day_start AND occurred_at < @day_end
      UNION ALL
      SELECT api_key_id, 0, 0, rated_cost_usd, 0
      FROM cost_adjustments WHERE occurred_at >= @day_start AND occurred_at < @day_end
      UNION ALL
      SELECT api_key_id, 0, requests, 0, 0
      FROM usage_stats WHERE granularity = 'day' AND bucket_start = @day_start
      UNION ALL
      SELECT api_key_id, 0, 0, 0, rated_cost_usd
      FROM cost_stats WHERE granularity = 'day' AND bucket_start = @day_start) AS both_sides
GROUP BY api_key_id
HAVING SUM(ledger_requests) <> SUM(stats_requests) OR SUM(ledger_rated_usd) <> SUM(stats_rated_usd)
ORDER BY api_key_id;
