-- usage-ledger schema, version 1: the ledger, its projections and the consumer's offsets.
--
-- Runs unchanged on MySQL 8.0+/8.4 and MariaDB 10.11+/11.4 (Flyway applies it on start of
-- usage-consumer; it also runs with the mysql client). Conventions:
--   * ids are ASCII with binary collation: compared case-sensitively, sorted bytewise;
--   * occurred_at is DATETIME(3) holding a UTC instant; bucket_start is DATETIME, the UTC instant
--     at which the bucket starts, computed by the consumer from the event's own instant;
--   * token counts are BIGINT, money is DECIMAL(20,10) US dollars (each request rounded once to 10
--     fraction digits before anything is summed, so every sum is exact);
--   * constraints are named (ck_*, and ix_* for indexes); primary keys are not, because MySQL and
--     MariaDB always call them PRIMARY (a name there is ignored with a warning).

-- The ledger: one row per counted request. request_id never appears twice: that is decided by
-- ledger_event_ids in the same transaction, so this table can later be partitioned by month on
-- occurred_at (MySQL requires the partition column in every unique key, hence the composite key).
CREATE TABLE usage_records (
    request_id              VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    occurred_at             DATETIME(3)   NOT NULL,
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    account_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    account_type            VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reported_model          VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    input_tokens            BIGINT        NOT NULL,
    output_tokens           BIGINT        NOT NULL,
    cache_create_tokens     BIGINT        NOT NULL,
    cache_read_tokens       BIGINT        NOT NULL,
    ephemeral_5m_tokens     BIGINT        NOT NULL,
    ephemeral_1h_tokens     BIGINT        NOT NULL,
    real_cost_usd           DECIMAL(20,10) NOT NULL,
    rated_cost_usd          DECIMAL(20,10) NOT NULL,
    pricing_source          VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pricing_version         VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    service_tier            VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    long_context            BOOLEAN       NOT NULL,
    endpoint                VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NULL,
    status_code             SMALLINT      NULL,
    stream                  BOOLEAN       NULL,
    duration_ms             BIGINT        NULL,
    relay_id                VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    received_at             DATETIME(3)   NULL,
    PRIMARY KEY (request_id, occurred_at),
    KEY ix_usage_records_key_time (api_key_id, occurred_at),
    KEY ix_usage_records_account_time (account_id, occurred_at),
    CONSTRAINT ck_usage_records_tokens CHECK (input_tokens >= 0 AND output_tokens >= 0
        AND cache_create_tokens >= 0 AND cache_read_tokens >= 0
        AND ephemeral_5m_tokens >= 0 AND ephemeral_1h_tokens >= 0
        AND ephemeral_5m_tokens + ephemeral_1h_tokens <= cache_create_tokens)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Cost breakdown of catalog-priced requests, per token class (display and audit; the ledger's
-- real_cost_usd is the rounded exact sum, not the sum of these).
CREATE TABLE usage_cost_breakdowns (
    request_id              VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    occurred_at             DATETIME(3)   NOT NULL,
    input_cost_usd          DECIMAL(20,10) NOT NULL,
    output_cost_usd         DECIMAL(20,10) NOT NULL,
    cache_write_5m_cost_usd DECIMAL(20,10) NOT NULL,
    cache_write_1h_cost_usd DECIMAL(20,10) NOT NULL,
    cache_read_cost_usd     DECIMAL(20,10) NOT NULL,
    PRIMARY KEY (request_id, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Cost corrections: one row per counted adjustment, signed amounts, never updated.
CREATE TABLE cost_adjustments (
    adjustment_id           VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    occurred_at             DATETIME(3)   NOT NULL,
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    account_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '*',
    real_cost_usd           DECIMAL(20,10) NOT NULL,
    rated_cost_usd          DECIMAL(20,10) NOT NULL,
    reason                  VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    requested_by            VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    received_at             DATETIME(3)   NULL,
    PRIMARY KEY (adjustment_id, occurred_at),
    KEY ix_cost_adjustments_key_time (api_key_id, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Idempotency: every event id ever counted (kind U = usage requestId, A = adjustmentId). The
-- consumer inserts a batch's ids with INSERT IGNORE and a per-attempt batch_token, then reads back
-- the ids carrying its token: those, and only those, are new. Never partitioned, so the primary key
-- alone decides; rows must be kept at least as long as the ledger's retention.
CREATE TABLE ledger_event_ids (
    event_kind              CHAR(1)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event_id                VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    occurred_at             DATETIME(3)   NOT NULL,
    batch_token             BIGINT        NOT NULL,
    PRIMARY KEY (event_kind, event_id),
    CONSTRAINT ck_ledger_event_ids_kind CHECK (event_kind IN ('U', 'A'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Usage per API key and model, per hour (UTC), day and month (reporting time zone).
CREATE TABLE usage_stats (
    granularity             VARCHAR(5)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket_start, api_key_id, model),
    CONSTRAINT ck_usage_stats_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Cost per API key and model: request costs plus cost adjustments (model '*' when unnamed).
CREATE TABLE cost_stats (
    granularity             VARCHAR(5)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    api_key_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    real_cost_usd           DECIMAL(20,10) NOT NULL DEFAULT 0,
    rated_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket_start, api_key_id, model),
    CONSTRAINT ck_cost_stats_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Usage and cost per upstream account and model, for requests and adjustments that name an account.
CREATE TABLE account_usage_stats (
    granularity             VARCHAR(5)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    account_id              VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    model                   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    real_cost_usd           DECIMAL(20,10) NOT NULL DEFAULT 0,
    rated_cost_usd          DECIMAL(20,10) NOT NULL DEFAULT 0,
    PRIMARY KEY (granularity, bucket_start, account_id, model),
    CONSTRAINT ck_account_usage_stats_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Kafka offsets stored with the projections ("storing offsets outside Kafka"): next_offset is the
-- next record to read. epoch fences zombies: a consumer bumps it when it is assigned the partition
-- and commits a batch only while the epoch is still the one it claimed.
CREATE TABLE consumer_offsets (
    consumer_group          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    topic                   VARCHAR(249) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_id            INT           NOT NULL,
    next_offset             BIGINT        NOT NULL,
    epoch                   BIGINT        NOT NULL,
    updated_at              DATETIME(3)   NOT NULL,
    PRIMARY KEY (consumer_group, topic, partition_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
