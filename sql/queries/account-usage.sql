-- How is each upstream account used: requests, tokens and cost per account and model over a range
-- (requests and adjustments that name an account).
SET @from = '2026-03-01 00:00:00';
SET @to = '2026-04-01 00:00:00';

SELECT account_id, model,
       SUM(requests) AS requests,
       SUM(input_tokens + output_tokens + cache_create_tokens + cache_read_tokens) AS tokens,
       SUM(real_cost_usd) AS real_cost_usd,
       SUM(rated_cost_usd) AS rated_cost_usd
FROM daily_account_usage
WHERE day_start >= @from AND day_start < @to
GROUP BY account_id, model
ORDER BY account_id, model;
