package dev.usageledger.relayapi.security;

/** An authenticated caller: the name of the token it presented (a relay node id or an admin name). */
public record Caller(TokenKind kind, String name) {}
