package dev.usageledger.common.security;

/**
 * What a token may do (CONTRACT §0): relay tokens ingest usage and ask for admission, analyst tokens read (§5, §6),
 * admin tokens administer and may also read. Each kind is configured by its own property.
 */
public enum TokenKind {
    RELAY("ledger.security.relay-tokens", "LEDGER_SECURITY_RELAYTOKENS"),
    ANALYST("ledger.security.analyst-tokens", "LEDGER_SECURITY_ANALYSTTOKENS"),
    ADMIN("ledger.security.admin-tokens", "LEDGER_SECURITY_ADMINTOKENS");

    private final String property;
    private final String environment;

    TokenKind(String property, String environment) {
        this.property = property;
        this.environment = environment;
    }

    /** The property that lists the tokens of this kind. */
    public String property() {
        return property;
    }

    /** The environment variable Spring Boot binds to {@link #property()}. */
    public String environment() {
        return environment;
    }
}
