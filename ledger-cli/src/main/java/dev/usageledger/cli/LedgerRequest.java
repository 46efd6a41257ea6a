package dev.usageledger.cli;

import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One counted request as {@code usage_records} stores it, with what repricing needs: what priced it (model, tokens,
 * tier, account type for the service rates) and the cost it was counted at.
 *
 * @param model normalised, as stored
 */
record LedgerRequest(String requestId, Instant occurredAt, String apiKeyId, String accountId, String accountType,
        String model, TokenUsage usage, String serviceTier, BigDecimal realUsd, BigDecimal ratedUsd,
        PricingSource source) {}
