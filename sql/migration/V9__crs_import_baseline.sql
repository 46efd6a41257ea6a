-- usage-ledger schema, version 9: history imported from Claude Relay Service's Redis (`ledger import-crs`) as a
-- baseline, in tables of its own. The CONTRACT tables (usage_records, usage_stats, ...) never hold imported rows: their
-- keys and invariants are the ledger's. docs/crs-import.md describes the import and how a reader adds the baseline.
--
-- bucket_start: the UTC instant at which the CRS bucket starts. CRS buckets follow a fixed UTC offset of whole hours
-- (its TIMEZONE_OFFSET, crs_imports.utc_offset_minutes): an hour bucket is a UTC hour whatever the offset; a day or
-- month bucket starts at midnight of that offset. Ids and models are compared case-sensitively (binary collation).
-- Money is DECIMAL(20,10) US dollars; a NULL cost is unknown (CRS stored none), never zero.

-- One row per import: where it came from (the URI without its password), up to when, in which offset.
CREATE TABLE crs_imports (
    import_id               VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source_uri              VARCHAR(512)  NOT NULL,
    key_prefix              VARCHAR(128)  NOT NULL DEFAULT '',
    utc_offset_minutes      SMALLINT      NOT NULL,
    cutoff                  DATETIME      NOT NULL,
    first_started_at        DATETIME(3)   NOT NULL,
    last_started_at         DATETIME(3)   NOT NULL,
    last_finished_at        DATETIME(3)   NULL,
    keys_scanned            BIGINT        NOT NULL DEFAULT 0,
    rows_changed            BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (import_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Per API key, model and bucket: CRS's `usage:{keyId}:model:{hourly|daily|monthly}:{model}:{bucket}` hashes, costs
-- from their realCostMicro / ratedCostMicro fields (micro-USD, never re-priced; NULL when the hash holds neither: a
-- legacy record). model = '' holds what the key's own hash (`usage:{hourly|daily|monthly}:{keyId}:{bucket}`) counts
-- beyond its model hashes: usage whose model detail CRS no longer has, cost unknown. So the rows of one key and bucket
-- sum to CRS's total of that key and bucket.
CREATE TABLE crs_usage (
    import_id               VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    granularity             VARCHAR(5)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    api_key_id              VARCHAR(128)  NOT NULL,
    model                   VARCHAR(255)  NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    real_cost_usd           DECIMAL(20,10) NULL,
    rated_cost_usd          DECIMAL(20,10) NULL,
    PRIMARY KEY (import_id, granularity, bucket_start, api_key_id, model),
    KEY ix_crs_usage_key (granularity, api_key_id, bucket_start),
    KEY ix_crs_usage_bucket (granularity, bucket_start),
    CONSTRAINT ck_crs_usage_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Per upstream account, model and bucket: `account_usage:model:{g}:{accountId}:{model}:{bucket}`; model = '' as in
-- crs_usage, from `account_usage:{g}:{accountId}:{bucket}`. CRS stores no account cost (it re-prices accounts).
CREATE TABLE crs_account_usage (
    import_id               VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    granularity             VARCHAR(5)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    account_id              VARCHAR(128)  NOT NULL,
    model                   VARCHAR(255)  NOT NULL,
    requests                BIGINT        NOT NULL DEFAULT 0,
    input_tokens            BIGINT        NOT NULL DEFAULT 0,
    output_tokens           BIGINT        NOT NULL DEFAULT 0,
    cache_create_tokens     BIGINT        NOT NULL DEFAULT 0,
    cache_read_tokens       BIGINT        NOT NULL DEFAULT 0,
    ephemeral_5m_tokens     BIGINT        NOT NULL DEFAULT 0,
    ephemeral_1h_tokens     BIGINT        NOT NULL DEFAULT 0,
    PRIMARY KEY (import_id, granularity, bucket_start, account_id, model),
    KEY ix_crs_account_usage_account (granularity, account_id, bucket_start),
    CONSTRAINT ck_crs_account_usage_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- CRS's own totals of a key or account per bucket, as read: the key-level hashes (usage columns, NULL when no such
-- hash was read) and, for keys, the cost keys `usage:cost:{g}:{keyId}:{bucket}` (rated, an unrounded float sum) and
-- `usage:cost:real:daily:{keyId}:{date}` (real). The verification report checks the baseline against them; readers
-- never add them (crs_usage and crs_account_usage already hold every counted request).
CREATE TABLE crs_totals (
    import_id               VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    subject_kind            VARCHAR(7)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    granularity             VARCHAR(5)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bucket_start            DATETIME      NOT NULL,
    subject_id              VARCHAR(128)  NOT NULL,
    requests                BIGINT        NULL,
    input_tokens            BIGINT        NULL,
    output_tokens           BIGINT        NULL,
    cache_create_tokens     BIGINT        NULL,
    cache_read_tokens       BIGINT        NULL,
    ephemeral_5m_tokens     BIGINT        NULL,
    ephemeral_1h_tokens     BIGINT        NULL,
    real_cost_usd           DECIMAL(20,10) NULL,
    rated_cost_usd          DECIMAL(20,10) NULL,
    PRIMARY KEY (import_id, subject_kind, granularity, bucket_start, subject_id),
    CONSTRAINT ck_crs_totals_kind CHECK (subject_kind IN ('key', 'account')),
    CONSTRAINT ck_crs_totals_granularity CHECK (granularity IN ('hour', 'day', 'month'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
