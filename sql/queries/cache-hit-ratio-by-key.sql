-- Which keys benefit from prompt caching? Cache-read tokens over all prompt tokens per key over a
-- range, lowest ratio first among keys with real traffic (at least a million prompt tokens).
SET @from = '2026-03-01 00:00:00';
SET @to = '2026-04-01 00:00:00';

SELECT api_key_id,
       SUM(cache_read_tokens) AS cache_read_tokens,
       SUM(prompt_tokens) AS prompt_tokens,
       SUM(cache_read_tokens) / NULLIF(SUM(prompt_tokens), 0) AS cache_hit_ratio
FROM daily_cache_hit_ratio
WHERE day_start >= @from AND day_start < @to
GROUP BY api_key_id
HAVING SUM(prompt_tokens) >= 1000000
ORDER BY cache_hit_ratio, api_key_id;
