-- usage-ledger schema, version 10: the request a cost adjustment corrects.
--
-- Event schema version 2 adds an optional requestId to cost.adjusted (docs/architecture.md, "Event schema versions"):
-- the usage.recorded request the adjustment corrects. `ledger reprice` writes one adjustment per request it
-- reprices and reads back the repricings already counted for a request through this column; an admin may name the
-- request a credit is for. NULL for every adjustment that names none, and for every one projected before this
-- version (a version 1 event never named one). An addition to CONTRACT §3's columns, nothing renamed.
ALTER TABLE cost_adjustments
    ADD COLUMN request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL;
