package dev.usageledger.common.security;

/** An authenticated caller: the kind and the name of the token it presented (a relay node id, an analyst or admin). */
public record Caller(TokenKind kind, String name) {}
