package dev.usageledger.projections;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Test fixture: builders for {@link UsageRecorded} and {@link CostAdjusted} with sensible defaults.
 * Amounts are given as decimal strings and stored at scale 10, as the codec and the ledger keep them.
 */
public final class Events {

    public static final String PRICING_VERSION = "catalog-test-0001";
    public static final String MODEL = "claude-sonnet-4-5-20250929";
    public static final Instant T0 = Instant.parse("2026-11-22T10:15:30.123Z");

    private Events() {}

    public static UsageBuilder usage(String requestId) {
        return new UsageBuilder(requestId);
    }

    public static AdjustmentBuilder adjustment(String adjustmentId) {
        return new AdjustmentBuilder(adjustmentId);
    }

    public static BigDecimal usd(String amount) {
        return new BigDecimal(amount).setScale(10);
    }

    public static final class UsageBuilder {
        private final String requestId;
        private Instant occurredAt = T0;
        private String apiKeyId = "key_a";
        private String accountId;
        private String accountType;
        private String model = MODEL;
        private String reportedModel;
        private TokenUsage usage = new TokenUsage(100, 20, 0, 0, 0, 0);
        private String serviceTier;
        private boolean longContext;
        private String endpoint;
        private Integer statusCode;
        private Boolean stream;
        private Long durationMs;
        private String relayId;
        private Instant receivedAt;
        private BigDecimal realUsd = usd("0.001");
        private BigDecimal ratedUsd = usd("0.0012");
        private CostBreakdown breakdown;
        private PricingSource source = PricingSource.CATALOG;

        private UsageBuilder(String requestId) {
            this.requestId = requestId;
        }

        public UsageBuilder at(Instant instant) {
            this.occurredAt = instant;
            return this;
        }

        public UsageBuilder at(String instant) {
            return at(Instant.parse(instant));
        }

        public UsageBuilder key(String apiKeyId) {
            this.apiKeyId = apiKeyId;
            return this;
        }

        /** Names an upstream account (type {@code claude-official}). */
        public UsageBuilder account(String accountId) {
            this.accountId = accountId;
            this.accountType = accountId == null ? null : "claude-official";
            return this;
        }

        public UsageBuilder model(String model) {
            this.model = model;
            return this;
        }

        public UsageBuilder reportedModel(String reportedModel) {
            this.reportedModel = reportedModel;
            return this;
        }

        public UsageBuilder tokens(long input, long output) {
            this.usage = new TokenUsage(input, output, 0, 0, 0, 0);
            return this;
        }

        public UsageBuilder tokens(TokenUsage usage) {
            this.usage = usage;
            return this;
        }

        public UsageBuilder cost(String real, String rated) {
            this.realUsd = usd(real);
            this.ratedUsd = usd(rated);
            return this;
        }

        public UsageBuilder source(PricingSource source) {
            this.source = source;
            return this;
        }

        public UsageBuilder breakdown(String input, String output, String write5m, String write1h, String read) {
            this.breakdown = new CostBreakdown(usd(input), usd(output), usd(write5m), usd(write1h), usd(read));
            return this;
        }

        public UsageBuilder relay(String relayId, Instant receivedAt) {
            this.relayId = relayId;
            this.receivedAt = receivedAt;
            return this;
        }

        /** Accepted by relay-api at {@code receivedAt}. */
        public UsageBuilder received(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        /** Every optional field set, a cost breakdown included. */
        public UsageBuilder withAllOptionals() {
            account("acc_claude_12");
            reportedModel = "us.anthropic." + model + "-v1:0";
            usage = new TokenUsage(1200, 350, 4000, 3000, 1000, 20000);
            serviceTier = "standard";
            longContext = true;
            endpoint = "/v1/messages";
            statusCode = 200;
            stream = Boolean.TRUE;
            durationMs = 5234L;
            relayId = "relay-eu-1";
            receivedAt = occurredAt.plusMillis(250);
            return breakdown("0.0036", "0.00525", "0.01125", "0.006", "0.006");
        }

        public UsageRecorded build() {
            return new UsageRecorded(LedgerEvent.CURRENT_SCHEMA_VERSION, requestId, occurredAt, apiKeyId, accountId,
                    accountType, model, reportedModel == null ? model : reportedModel, usage, serviceTier,
                    longContext, endpoint, statusCode, stream, durationMs, relayId, receivedAt,
                    new AssessedCost(realUsd, ratedUsd, breakdown, source, PRICING_VERSION));
        }
    }

    public static final class AdjustmentBuilder {
        private final String adjustmentId;
        private Instant occurredAt = T0;
        private String apiKeyId = "key_a";
        private String accountId;
        private String model = CostAdjusted.ANY_MODEL;
        private BigDecimal realUsd = usd("-1.25");
        private BigDecimal ratedUsd = usd("-1.5");
        private String reason;
        private String requestedBy;
        private Instant receivedAt;
        private String requestId;
        private int schemaVersion = LedgerEvent.CURRENT_SCHEMA_VERSION;

        private AdjustmentBuilder(String adjustmentId) {
            this.adjustmentId = adjustmentId;
        }

        public AdjustmentBuilder at(Instant instant) {
            this.occurredAt = instant;
            return this;
        }

        public AdjustmentBuilder at(String instant) {
            return at(Instant.parse(instant));
        }

        public AdjustmentBuilder key(String apiKeyId) {
            this.apiKeyId = apiKeyId;
            return this;
        }

        public AdjustmentBuilder account(String accountId) {
            this.accountId = accountId;
            return this;
        }

        public AdjustmentBuilder model(String model) {
            this.model = model;
            return this;
        }

        public AdjustmentBuilder amounts(String real, String rated) {
            this.realUsd = usd(real);
            this.ratedUsd = usd(rated);
            return this;
        }

        /** Accepted by relay-api at {@code receivedAt}. */
        public AdjustmentBuilder received(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        public AdjustmentBuilder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** The request it corrects (schema version 2). */
        public AdjustmentBuilder correcting(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Written at that schema version (the builder does not drop fields the version lacks). */
        public AdjustmentBuilder version(int schemaVersion) {
            this.schemaVersion = schemaVersion;
            return this;
        }

        /** Reason, requester and reception time set. */
        public AdjustmentBuilder withAllOptionals() {
            this.reason = "credit for outage";
            this.requestedBy = "ops-admin";
            this.receivedAt = occurredAt.plusSeconds(3600);
            return this;
        }

        public CostAdjusted build() {
            return new CostAdjusted(schemaVersion, adjustmentId, occurredAt, apiKeyId, accountId, model, realUsd,
                    ratedUsd, reason, requestedBy, receivedAt, requestId);
        }
    }
}
