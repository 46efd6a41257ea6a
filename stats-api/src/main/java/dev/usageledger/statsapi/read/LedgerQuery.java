package dev.usageledger.statsapi.read;

import java.time.Instant;

/** The records of {@code GET /v1/ledger}: those of {@code [from, to)} that match every filter. */
public record LedgerQuery(Instant from, Instant to, Filters filters) {

    /** What a cursor is bound to: the same range and filters. */
    String fingerprint() {
        return from.toEpochMilli() + "|" + to.toEpochMilli() + "|" + nullable(filters.apiKeyId()) + "|"
                + nullable(filters.model()) + "|" + nullable(filters.accountId());
    }

    private static String nullable(String value) {
        return value == null ? "\u0000" : value.length() + ":" + value;
    }
}
