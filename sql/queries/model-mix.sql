-- What is the model mix over a range: each model's share of requests and of rated cost, for the
-- whole range (not per day; daily_model_mix gives the per-day shares).
SET @from = '2026-03-01 00:00:00';
SET @to = '2026-04-01 00:00:00';

SELECT model,
       SUM(requests) AS requests,
       SUM(rated_cost_usd) AS rated_cost_usd,
       SUM(requests) / NULLIF(SUM(SUM(requests)) OVER (), 0) AS request_share,
       SUM(rated_cost_usd) / NULLIF(SUM(SUM(rated_cost_usd)) OVER (), 0) AS rated_cost_share
FROM daily_cost_by_key_model
WHERE day_start >= @from AND day_start < @to
GROUP BY model
ORDER BY rated_cost_usd DESC, model;
