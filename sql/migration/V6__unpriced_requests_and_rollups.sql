-- usage-ledger schema, version 6: the unpriced share as a stored measure, and the rollups and index
-- the read API's common questions need at ten million ledger rows (docs/performance.md, "Reads").
--
-- unpriced_requests: requests priced at 0 because the catalog did not know their model
-- (usage_records.pricing_source = 'unpriced'), additive like requests. Rows projected before this
-- version hold 0: `ledger rebuild` over their range recomputes them from the ledger.
ALTER TABLE usage_stats
    ADD COLUMN unpriced_requests BIGINT NOT NULL DEFAULT 0 AFTER requests;
ALTER TABLE account_usage_stats
    ADD COLUMN unpriced_requests BIGINT NOT NULL DEFAULT 0 AFTER requests;

-- One key's series (any model filter or grouping) reads its own rows instead of every key's rows of
-- the range. An entry ends with the primary key, so the series reads no more than the key's rows.
ALTER TABLE usage_stats
    ADD KEY ix_usage_stats_key (granularity, api_key_id, bucket_start);
ALTER TABLE cost_stats
    ADD KEY ix_cost_stats_key (granularity, api_key_id, bucket_start);

-- Rollups: the usage_stats and cost_stats measures summed over models (key_stats) and over keys
-- (model_stats), folded by the consumer in the same transaction as the rows they sum, so
-- key_stats = SUM over models and model_stats = SUM over keys of usage_stats + cost_stats, per
-- bucket, after every commit. A top list of keys reads one row per key and bucket; one key's series
-- one row per bucket (through ix_key_stats_key); all traffic's series one row per model and bucket.
-- A row whose every measure is zero equals no row.
CREATE TABLE key_stats (
    granularity             VARCHAR(5)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    unpriced_requests       BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    real_cost_usd           DECIMAL(20,10) NOT NULL DEFAULT 0,
    rated_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket_start, api_key_id),
    KEY ix_key_stats_key (granularity, api_key_id, bucket_start),
    CONSTRAINT ck_key_stats_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE model_stats (
    granularity             VARCHAR(5)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    unpriced_requests       BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    real_cost_usd           DECIMAL(20,10) NOT NULL DEFAULT 0,
    rated_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket_start, model),
    CONSTRAINT ck_model_stats_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The rollups of what is already projected: sums of stored rows, no bucket computed here.
INSERT INTO key_stats (granularity, bucket_start, api_key_id, requests, input_tokens, output_tokens,
        cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd, rated_cost_usd)
    SELECT granularity, bucket_start, api_key_id, SUM(requests), SUM(input_tokens), SUM(output_tokens),
        SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens),
        SUM(real_cost_usd), SUM(rated_cost_usd)
    FROM (SELECT granularity, bucket_start, api_key_id, requests, input_tokens, output_tokens, cache_create_tokens,
                cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, 0 AS real_cost_usd, 0 AS rated_cost_usd
            FROM usage_stats
          UNION ALL
          SELECT granularity, bucket_start, api_key_id, 0, 0, 0, 0, 0, 0, 0, real_cost_usd, rated_cost_usd
            FROM cost_stats) AS projected
    GROUP BY granularity, bucket_start, api_key_id;

INSERT INTO model_stats (granularity, bucket_start, model, requests, input_tokens, output_tokens,
        cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd, rated_cost_usd)
    SELECT granularity, bucket_start, model, SUM(requests), SUM(input_tokens), SUM(output_tokens),
        SUM(cache_create_tokens), SUM(cache_read_tokens), SUM(ephemeral_5m_tokens), SUM(ephemeral_1h_tokens),
        SUM(real_cost_usd), SUM(rated_cost_usd)
    FROM (SELECT granularity, bucket_start, model, requests, input_tokens, output_tokens, cache_create_tokens,
                cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, 0 AS real_cost_usd, 0 AS rated_cost_usd
            FROM usage_stats
          UNION ALL
          SELECT granularity, bucket_start, model, 0, 0, 0, 0, 0, 0, 0, real_cost_usd, rated_cost_usd
            FROM cost_stats) AS projected
    GROUP BY granularity, bucket_start, model;
