package dev.usageledger.statsapi.web;

import dev.usageledger.statsapi.config.FocusProperties;
import dev.usageledger.statsapi.read.FocusReader.AdjustmentRow;
import dev.usageledger.statsapi.read.FocusReader.UsageRow;
import dev.usageledger.statsapi.read.Money;
import dev.usageledger.statsapi.read.Span;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The FOCUS 1.2 columns of the export and their values per row (the mapping and its reasons: docs/focus-export.md).
 * The 21 columns FOCUS 1.2 marks Mandatory come first, in the specification's order; columns of this ledger follow,
 * prefixed {@code x_} as FOCUS requires of custom columns. Costs are in USD; the rated cost (what the key holder is
 * charged) is BilledCost, EffectiveCost and ContractedCost, the real cost at list prices is ListCost.
 */
final class FocusColumns {

    static final List<String> HEADER = List.of("BilledCost", "BillingAccountId", "BillingAccountName",
            "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
            "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
            "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
            "ServiceCategory", "ServiceName",
            "x_ApiKeyId", "x_Model", "x_AccountId", "x_Requests", "x_InputTokens", "x_OutputTokens",
            "x_CacheCreateTokens", "x_CacheReadTokens", "x_Ephemeral5mTokens", "x_Ephemeral1hTokens",
            "x_AdjustmentId", "x_OccurredAt");

    /** FOCUS Date/Time Format: UTC, {@code YYYY-MM-DDTHH:mm:ssZ}. */
    private static final DateTimeFormatter FOCUS_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String CURRENCY = "USD";
    private static final String SERVICE_CATEGORY = "AI and Machine Learning";
    private static final String SERVICE_NAME = "LLM API";

    private final FocusProperties names;
    private final ZoneId reportingZone;

    FocusColumns(FocusProperties names, ZoneId reportingZone) {
        this.names = names;
        this.reportingZone = reportingZone;
    }

    List<Object> usage(UsageRow r) {
        long tokens = r.inputTokens() + r.outputTokens() + r.cacheCreateTokens() + r.cacheReadTokens();
        return row(r.day(), r.ratedCostUsd(), r.realCostUsd(), r.apiKeyId(), "Usage",
                r.requests() + " requests to " + r.model(), tokens, "Tokens", r.model(),
                Arrays.asList(r.apiKeyId(), r.model(), null, r.requests(), r.inputTokens(), r.outputTokens(),
                        r.cacheCreateTokens(), r.cacheReadTokens(), r.ephemeral5mTokens(), r.ephemeral1hTokens(),
                        null, null));
    }

    List<Object> adjustment(AdjustmentRow r) {
        return row(r.day(), r.ratedCostUsd(), r.realCostUsd(), r.apiKeyId(), "Adjustment",
                r.reason() == null ? "Cost adjustment " + r.adjustmentId() : r.reason(), null, null, r.model(),
                Arrays.asList(r.apiKeyId(), r.model(), r.accountId(), null, null, null, null, null, null, null,
                        r.adjustmentId(), MILLIS.format(r.occurredAt())));
    }

    private List<Object> row(Span day, BigDecimal rated, BigDecimal real, String apiKeyId, String category,
            String description, Long quantity, String unit, String model, List<Object> custom) {
        YearMonth month = YearMonth.from(day.from().atZone(reportingZone));
        Instant periodStart = month.atDay(1).atStartOfDay(reportingZone).toInstant();
        Instant periodEnd = month.plusMonths(1).atDay(1).atStartOfDay(reportingZone).toInstant();
        String cost = Money.format(rated);
        List<Object> row = new java.util.ArrayList<>(HEADER.size());
        row.addAll(Arrays.asList(cost, apiKeyId, null, CURRENCY, FOCUS_TIME.format(periodEnd),
                FOCUS_TIME.format(periodStart), category, null, description, FOCUS_TIME.format(day.to()),
                FOCUS_TIME.format(day.from()), cost, cost, names.invoiceIssuerName(), Money.format(real), quantity,
                unit, names.providerName(), publisher(model), SERVICE_CATEGORY, SERVICE_NAME));
        row.addAll(custom);
        return row;
    }

    /** The maker of a model, by its name's family; the provider when not recognised (e.g. {@code *}). */
    private String publisher(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.startsWith("claude") || m.contains("anthropic")) {
            return "Anthropic";
        }
        if (m.startsWith("gpt") || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4")
                || m.startsWith("codex") || m.startsWith("text-embedding")) {
            return "OpenAI";
        }
        if (m.startsWith("gemini")) {
            return "Google";
        }
        return names.providerName();
    }
}
