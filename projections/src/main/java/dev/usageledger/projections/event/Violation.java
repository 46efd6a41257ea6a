package dev.usageledger.projections.event;

/**
 * One broken rule of an input.
 *
 * @param index   position of the item in a batch, {@code null} for the request as a whole
 * @param field   the JSON path of the offending field, e.g. {@code usage.inputTokens}
 * @param message what is wrong, in words a relay operator understands
 */
public record Violation(Integer index, String field, String message) {}
