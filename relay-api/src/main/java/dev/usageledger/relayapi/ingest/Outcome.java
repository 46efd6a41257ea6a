package dev.usageledger.relayapi.ingest;

/** How a request ended, as the {@code outcome} tag of {@code ledger_ingest_requests_total}. */
public enum Outcome {
    ACCEPTED("accepted"),
    INVALID("invalid"),
    UNAUTHORIZED("unauthorized"),
    TOO_LARGE("too_large"),
    UNAVAILABLE("unavailable");

    private final String tag;

    Outcome(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
