package dev.usageledger.statsapi.read;

import java.time.Instant;

/** A half-open interval of instants, {@code [from, to)}. */
public record Span(Instant from, Instant to) {}
