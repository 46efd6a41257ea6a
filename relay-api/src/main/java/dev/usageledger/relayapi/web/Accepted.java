package dev.usageledger.relayapi.web;

/** {@code 202 {"accepted": N}}: N events are committed on the topic. */
public record Accepted(int accepted) {}
