package dev.usageledger.projections.value;

import java.util.Locale;

/** Where the price of a request came from. */
public enum PricingSource {
    /** Priced from the pricing catalog. */
    CATALOG("catalog"),
    /** The relay sent a cost of its own and the ledger kept it; never produced by the pricing. */
    RELAY("relay"),
    /** The model is not in the catalog: the cost is 0, never an error. */
    UNPRICED("unpriced");

    private final String wireName;

    PricingSource(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in JSON and in the database. */
    public String wireName() {
        return wireName;
    }

    /** The constant whose {@link #wireName()} is {@code wireName}, ignoring case. */
    public static PricingSource fromWireName(String wireName) {
        String wanted = wireName.toLowerCase(Locale.ROOT);
        for (PricingSource source : values()) {
            if (source.wireName.equals(wanted)) {
                return source;
            }
        }
        throw new IllegalArgumentException("unknown pricing source: " + wireName);
    }
}
