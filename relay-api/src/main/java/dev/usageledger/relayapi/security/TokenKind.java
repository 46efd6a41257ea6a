package dev.usageledger.relayapi.security;

/** What a token may do: relay tokens ingest usage, admin tokens post adjustments; neither does the other's job. */
public enum TokenKind {
    RELAY,
    ADMIN
}
