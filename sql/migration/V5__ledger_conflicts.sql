-- usage-ledger schema, version 5: resend conflicts (CONTRACT §1, "Which version is first accepted").
--
-- A requestId (or adjustmentId) resent with other caller-sent fields is a conflict: the version that
-- counts is the one relay-api accepted first (received_at, ties broken by a fingerprint of the
-- caller-sent fields), whatever order the consumer reads the partitions in. The consumer compares a
-- resend with the counted ledger row (usage_records / cost_adjustments, located by the id claim in
-- ledger_event_ids, which holds its occurred_at); a newly claimed id is never compared, so it costs
-- its claim and its ledger row only. An earlier version within ledger.projection.swap-horizon replaces
-- the counted one (the ledger row, the claim's occurred_at and the stats, in one transaction);
-- otherwise the counted one stays. Either way each differing resend leaves exactly one row here,
-- written in the transaction that read it; an identical resend leaves none.
CREATE TABLE ledger_conflicts (
    conflict_id             BIGINT        NOT NULL AUTO_INCREMENT,
    event_kind              CHAR(1)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event_id                VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- caller-sent fields that differ, by their ingest names (usage.inputTokens, apiKeyId, cost, ...), comma-separated
    differing_fields        VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- the version that counted when the resend was read, and the resend; each the event's wire JSON
    counted_version         LONGTEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    resent_version          LONGTEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    counted_api_key_id      VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    resent_api_key_id       VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- TRUE: the resend was accepted first and replaced the counted version; FALSE: the counted version stays
    swapped                 BOOLEAN       NOT NULL,
    -- where the resend was read (NULL when the writer was not told)
    topic                   VARCHAR(249) CHARACTER SET ascii COLLATE ascii_bin NULL,
    partition_id            INT           NULL,
    partition_offset        BIGINT        NULL,
    seen_at                 DATETIME(3)   NOT NULL,
    PRIMARY KEY (conflict_id),
    KEY ix_ledger_conflicts_event (event_kind, event_id),
    CONSTRAINT ck_ledger_conflicts_kind CHECK (event_kind IN ('U', 'A')),
    CONSTRAINT ck_ledger_conflicts_versions CHECK (JSON_VALID(counted_version) AND JSON_VALID(resent_version))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
