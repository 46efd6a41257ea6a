package dev.usageledger.limits;

/** Why an admission is denied (CONTRACT §4). Quotas answer 402 (waiting does not help), the rest 429. */
public enum Reason {
    DAILY_COST("daily_cost", true),
    WEEKLY_COST("weekly_cost", true),
    TOTAL_COST("total_cost", true),
    REQUESTS_PER_WINDOW("requests_per_window", false),
    TOKENS_PER_WINDOW("tokens_per_window", false),
    COST_PER_WINDOW("cost_per_window", false),
    CONCURRENCY("concurrency", false);

    private final String wire;
    private final boolean quota;

    Reason(String wire, boolean quota) {
        this.wire = wire;
        this.quota = quota;
    }

    /** The {@code reason} of the JSON answer. */
    public String wire() {
        return wire;
    }

    /** A quota (402) rather than a rate (429). */
    public boolean quota() {
        return quota;
    }

    public static Reason fromWire(String wire) {
        for (Reason r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reason " + wire);
    }
}
