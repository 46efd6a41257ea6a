-- usage-ledger: views for analysts (a Flyway repeatable migration: re-applied whenever this file
-- changes, after every versioned one). Plain SQL for MySQL 8.0+ and MariaDB 10.11+.
--
-- Every view reads stored amounts only (never re-priced). Day rows are days of the reporting zone
-- (ledger.reporting.zone); day_start is the UTC instant at which that day starts, as bucket_start
-- in the stats tables (CONTRACT §3). Costs include cost adjustments wherever they come from
-- cost_stats or account_usage_stats; adjustments that name no model sit under model '*'.
-- A stats row whose every measure is zero (a swapped-out version leaves one) is left out, as no row (CONTRACT §3).
-- SQL SECURITY INVOKER: a reader needs SELECT on the tables underneath (the read-only user of
-- deploy/mysql/init has it on the whole schema), and no view depends on the account that created it.
-- Filter on day_start first: the stats tables' keys lead with (granularity, bucket_start), so a day
-- range is an index range there.

-- Usage and cost per reporting-zone day, API key and model: usage_stats and cost_stats side by side.
-- A key and model with adjustments but no request that day has requests = 0.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW daily_cost_by_key_model AS
SELECT bucket_start AS day_start, api_key_id, model,
       SUM(requests) AS requests,
       SUM(input_tokens) AS input_tokens,
       SUM(output_tokens) AS output_tokens,
       SUM(cache_create_tokens) AS cache_create_tokens,
       SUM(cache_read_tokens) AS cache_read_tokens,
       SUM(real_cost_usd) AS real_cost_usd,
       SUM(rated_cost_usd) AS rated_cost_usd
FROM (SELECT bucket_start, api_key_id, model, requests, input_tokens, output_tokens, cache_create_tokens,
             cache_read_tokens, CAST(0 AS DECIMAL(20,10)) AS real_cost_usd,
             CAST(0 AS DECIMAL(20,10)) AS rated_cost_usd
      FROM usage_stats WHERE granularity = 'day'
      UNION ALL
      SELECT bucket_start, api_key_id, model, 0, 0, 0, 0, 0, real_cost_usd, rated_cost_usd
      FROM cost_stats WHERE granularity = 'day') AS day_rows
GROUP BY bucket_start, api_key_id, model
HAVING SUM(requests) <> 0 OR SUM(real_cost_usd) <> 0 OR SUM(rated_cost_usd) <> 0;

-- Model mix per reporting-zone day: each model's requests, tokens (all four classes) and rated cost,
-- and its share of the day's requests and rated cost (0 to 1; NULL when the day's total is 0).
-- Adjustments without a model appear as model '*' with requests = 0.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW daily_model_mix AS
SELECT day_start, model, requests, tokens, rated_cost_usd,
       requests / NULLIF(SUM(requests) OVER (PARTITION BY day_start), 0) AS request_share,
       rated_cost_usd / NULLIF(SUM(rated_cost_usd) OVER (PARTITION BY day_start), 0) AS rated_cost_share
FROM (SELECT day_start, model, SUM(requests) AS requests,
             SUM(input_tokens + output_tokens + cache_create_tokens + cache_read_tokens) AS tokens,
             SUM(rated_cost_usd) AS rated_cost_usd
      FROM daily_cost_by_key_model
      GROUP BY day_start, model) AS per_model;

-- Prompt-cache hit ratio per reporting-zone day and API key: cache-read tokens over all prompt
-- tokens (input + cache-create + cache-read); NULL when the key sent no prompt tokens that day.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW daily_cache_hit_ratio AS
SELECT bucket_start AS day_start, api_key_id,
       SUM(cache_read_tokens) AS cache_read_tokens,
       SUM(input_tokens + cache_create_tokens + cache_read_tokens) AS prompt_tokens,
       SUM(cache_read_tokens) / NULLIF(SUM(input_tokens + cache_create_tokens + cache_read_tokens), 0)
           AS cache_hit_ratio
FROM usage_stats
WHERE granularity = 'day'
GROUP BY bucket_start, api_key_id
HAVING SUM(requests) <> 0;

-- Usage and cost per reporting-zone day, upstream account and model (requests and adjustments that
-- name an account; the others are in daily_cost_by_key_model only).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW daily_account_usage AS
SELECT bucket_start AS day_start, account_id, model, requests, input_tokens, output_tokens,
       cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens,
       real_cost_usd, rated_cost_usd
FROM account_usage_stats
WHERE granularity = 'day' AND (requests <> 0 OR real_cost_usd <> 0 OR rated_cost_usd <> 0);

-- Requests the catalog could not price (pricing source 'unpriced': their cost is 0), per UTC day
-- and model, from the ledger: which models to add to the catalog, and how much traffic they carry.
-- A ledger scan: restrict occurred_day (it is pushed down to occurred_at's range only on MariaDB;
-- sql/queries/unpriced-models.sql filters the ledger directly and works the same on both).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW unpriced_requests_by_model AS
SELECT DATE(occurred_at) AS occurred_day, model,
       COUNT(*) AS requests,
       SUM(input_tokens + output_tokens + cache_create_tokens + cache_read_tokens) AS tokens,
       COUNT(DISTINCT api_key_id) AS api_keys,
       MIN(occurred_at) AS first_seen,
       MAX(occurred_at) AS last_seen
FROM usage_records
WHERE pricing_source = 'unpriced'
GROUP BY DATE(occurred_at), model;
