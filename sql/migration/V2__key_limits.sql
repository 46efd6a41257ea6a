-- usage-ledger schema, version 2: rate limits and quotas per API key (CONTRACT §4).
--
-- Written by relay-api (PUT /v1/keys/{apiKeyId}/limits), read by relay-api through a cache and by the
-- limits projection. Same conventions as V1: ASCII ids with binary collation, money DECIMAL(20,10) USD,
-- named constraints. A key without a row has no limits at all. 0 means unlimited everywhere.
CREATE TABLE key_limits (
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    window_seconds          INT           NOT NULL DEFAULT 0,
    requests_per_window     BIGINT        NOT NULL DEFAULT 0,
    tokens_per_window       BIGINT        NOT NULL DEFAULT 0,
    cost_per_window_usd     DECIMAL(20,10) NOT NULL DEFAULT 0,
    concurrency             INT           NOT NULL DEFAULT 0,
    lease_seconds           INT           NOT NULL DEFAULT 0,
    daily_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    total_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    weekly_cost_usd         DECIMAL(20,10) NOT NULL DEFAULT 0,
    weekly_reset_day        TINYINT       NOT NULL DEFAULT 0,
    weekly_reset_hour       TINYINT       NOT NULL DEFAULT 0,
    shadow                  BOOLEAN       NOT NULL DEFAULT FALSE,
    updated_at              DATETIME(3)   NOT NULL,
    updated_by              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (api_key_id),
    CONSTRAINT ck_key_limits_window CHECK (window_seconds BETWEEN 0 AND 604800),
    CONSTRAINT ck_key_limits_counts CHECK (requests_per_window >= 0 AND tokens_per_window >= 0
        AND concurrency >= 0),
    CONSTRAINT ck_key_limits_lease CHECK (lease_seconds BETWEEN 0 AND 86400),
    CONSTRAINT ck_key_limits_money CHECK (cost_per_window_usd >= 0 AND daily_cost_usd >= 0
        AND total_cost_usd >= 0 AND weekly_cost_usd >= 0),
    CONSTRAINT ck_key_limits_weekly_reset CHECK (weekly_reset_day BETWEEN 0 AND 7
        AND weekly_reset_hour BETWEEN 0 AND 23)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
