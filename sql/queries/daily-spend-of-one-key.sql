-- How much did one API key spend per day, and on which models? Every reporting-zone day of a range
-- with usage or cost (days without either are absent: the stats API's /v1/stats/series zero-fills).
SET @api_key_id = 'key_a';
SET @from = '2026-03-01 00:00:00';
SET @to = '2026-04-01 00:00:00';

SELECT day_start, model, requests, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens,
       real_cost_usd, rated_cost_usd
FROM daily_cost_by_key_model
WHERE api_key_id = @api_key_id AND day_start >= @from AND day_start < @to
ORDER BY day_start, model;
