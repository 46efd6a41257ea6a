-- usage-ledger schema, version 11: analysts' views of the history imported from Claude Relay Service (V9,
-- docs/crs-import.md, docs/analyst-sql.md). Versioned, not in R__analyst_views.sql: that file is applied after every
-- migration up to any target, also below V9, where these tables do not exist.
--
-- One row per import, day, subject and model: the baseline's day rows plus, for the day that holds the import's
-- cutoff (not imported whole), its hours before the cutoff. A day here is a day of the import's offset (CRS's
-- TIMEZONE_OFFSET, day_utc_offset_minutes): day_start is the UTC instant at which it starts. The views of
-- R__analyst_views.sql count days of the reporting zone: a baseline day lines up with them only where the reporting
-- zone has the import's offset, so these views stand apart and never mix zones silently. Relays cut over at the
-- cutoff: the baseline's days and the ledger's never count a request twice. Model '' is usage whose model detail CRS
-- no longer had. A NULL cost is unknown (CRS stored none: legacy records, model '', every account).

CREATE OR REPLACE SQL SECURITY INVOKER VIEW crs_daily_cost_by_key_model AS
SELECT import_id, utc_offset_minutes AS day_utc_offset_minutes, day_start, api_key_id, model,
       SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
       SUM(cache_create_tokens) AS cache_create_tokens, SUM(cache_read_tokens) AS cache_read_tokens,
       SUM(real_cost_usd) AS real_cost_usd, SUM(rated_cost_usd) AS rated_cost_usd
FROM (SELECT u.import_id, i.utc_offset_minutes, u.bucket_start AS day_start, u.api_key_id, u.model, u.requests,
             u.input_tokens, u.output_tokens, u.cache_create_tokens, u.cache_read_tokens, u.real_cost_usd,
             u.rated_cost_usd
      FROM crs_usage u JOIN crs_imports i ON i.import_id = u.import_id
      WHERE u.granularity = 'day'
      UNION ALL
      SELECT u.import_id, i.utc_offset_minutes, TIMESTAMPADD(MINUTE, -i.utc_offset_minutes,
                 CAST(DATE(TIMESTAMPADD(MINUTE, i.utc_offset_minutes, u.bucket_start)) AS DATETIME)),
             u.api_key_id, u.model, u.requests, u.input_tokens, u.output_tokens, u.cache_create_tokens,
             u.cache_read_tokens, u.real_cost_usd, u.rated_cost_usd
      FROM crs_usage u JOIN crs_imports i ON i.import_id = u.import_id
      WHERE u.granularity = 'hour' AND u.bucket_start >= TIMESTAMPADD(MINUTE, -i.utc_offset_minutes,
                 CAST(DATE(TIMESTAMPADD(MINUTE, i.utc_offset_minutes, i.cutoff)) AS DATETIME))) AS baseline_days
GROUP BY import_id, utc_offset_minutes, day_start, api_key_id, model;

-- The same per upstream account (crs_account_usage); CRS stores no account cost, so there is none here.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW crs_daily_account_usage AS
SELECT import_id, utc_offset_minutes AS day_utc_offset_minutes, day_start, account_id, model,
       SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
       SUM(cache_create_tokens) AS cache_create_tokens, SUM(cache_read_tokens) AS cache_read_tokens,
       SUM(ephemeral_5m_tokens) AS ephemeral_5m_tokens, SUM(ephemeral_1h_tokens) AS ephemeral_1h_tokens
FROM (SELECT u.import_id, i.utc_offset_minutes, u.bucket_start AS day_start, u.account_id, u.model, u.requests,
             u.input_tokens, u.output_tokens, u.cache_create_tokens, u.cache_read_tokens, u.ephemeral_5m_tokens,
             u.ephemeral_1h_tokens
      FROM crs_account_usage u JOIN crs_imports i ON i.import_id = u.import_id
      WHERE u.granularity = 'day'
      UNION ALL
      SELECT u.import_id, i.utc_offset_minutes, TIMESTAMPADD(MINUTE, -i.utc_offset_minutes,
                 CAST(DATE(TIMESTAMPADD(MINUTE, i.utc_offset_minutes, u.bucket_start)) AS DATETIME)),
             u.account_id, u.model, u.requests, u.input_tokens, u.output_tokens, u.cache_create_tokens,
             u.cache_read_tokens, u.ephemeral_5m_tokens, u.ephemeral_1h_tokens
      FROM crs_account_usage u JOIN crs_imports i ON i.import_id = u.import_id
      WHERE u.granularity = 'hour' AND u.bucket_start >= TIMESTAMPADD(MINUTE, -i.utc_offset_minutes,
                 CAST(DATE(TIMESTAMPADD(MINUTE, i.utc_offset_minutes, i.cutoff)) AS DATETIME))) AS baseline_days
GROUP BY import_id, utc_offset_minutes, day_start, account_id, model;
