package dev.usageledger.statsapi.crs;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.limits.QuotaPeriods;
import dev.usageledger.statsapi.config.ReadLimitsProperties;
import dev.usageledger.statsapi.read.Dimension;
import dev.usageledger.statsapi.read.Filters;
import dev.usageledger.statsapi.read.Measures;
import dev.usageledger.statsapi.read.ReadFailedException;
import dev.usageledger.statsapi.read.Span;
import dev.usageledger.statsapi.read.StatsReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * CRS's per-key statistics ({@code POST /apiStats/api/user-stats} and {@code /api/user-model-stats},
 * src/routes/apiStats.js) by {@code apiId}, for analysts and admins (CONTRACT §6): the usage and the limits with
 * their current use, from the stored stats and the {@code key_limits} table. What only CRS's key store knows (name,
 * description, activation, permissions, bound accounts, restrictions, service rates) is null; the name is the id.
 * A key this ledger has never seen answers zeros and no limits, like an unused key: the ledger cannot tell them
 * apart.
 */
@RestController
public class CrsApiStatsController {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    /** A valid body is an id and a period: far below this. */
    private static final int MAX_BODY_CHARS = 16 * 1024;

    private final StatsReader reader;
    private final KeyLimitsStore keyLimits;
    private final CrsCalendar calendar;
    private final QuotaPeriods quotaPeriods;
    private final ReadLimitsProperties limits;

    CrsApiStatsController(StatsReader reader, KeyLimitsStore keyLimits, CrsCalendar calendar,
            ReadLimitsProperties limits) {
        this.reader = reader;
        this.keyLimits = keyLimits;
        this.calendar = calendar;
        this.quotaPeriods = new QuotaPeriods(calendar.zone());
        this.limits = limits;
    }

    @PostMapping("/apiStats/api/user-stats")
    public Map<String, Object> userStats(@RequestBody(required = false) String body) {
        CrsQuery query = body(body);
        String apiId = apiId(query);
        Instant now = calendar.now();
        KeyLimits configured = limits(apiId);
        Measures total = sum(apiId, calendar.allTime());
        Usd totalCost = Usd.of(total.ratedCostUsd());

        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("requests", total.requests());
        usage.put("tokens", total.tokens());
        usage.put("allTokens", total.tokens());
        usage.put("inputTokens", total.inputTokens());
        usage.put("outputTokens", total.outputTokens());
        usage.put("cacheCreateTokens", total.cacheCreateTokens());
        usage.put("cacheReadTokens", total.cacheReadTokens());
        usage.put("cost", totalCost);
        usage.put("formattedCost", totalCost.formatCost());

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", apiId);
        data.put("name", apiId);
        for (String unknown : List.of("description", "isActive", "createdAt", "expiresAt", "expirationMode",
                "isActivated", "activationDays", "activatedAt", "permissions")) {
            data.put(unknown, null);
        }
        data.put("usage", Map.of("total", usage));
        data.put("limits", limitsPart(apiId, configured, totalCost, now));
        data.put("accounts", null);
        data.put("restrictions", null);
        data.put("serviceRates", null);
        return Envelope.of(data);
    }

    /**
     * One key per model over today ({@code daily}), this month ({@code monthly}, the default) or all time
     * ({@code alltime}); {@code costs.total} is the stored real cost and {@code formatted.total} its
     * {@code $x.xxxxxx}, as CRS shows stored costs there; most tokens first.
     */
    @PostMapping("/apiStats/api/user-model-stats")
    public Map<String, Object> userModelStats(@RequestBody(required = false) String body) {
        CrsQuery query = body(body);
        String apiId = apiId(query);
        String period = query.choice("period", "monthly", "daily", "monthly", "alltime");
        Span span = switch (period) {
            case "daily" -> calendar.day(calendar.today());
            case "alltime" -> calendar.allTime();
            default -> calendar.currentMonth();
        };
        var models = ModelEntries.sums(reader, span, apiId, limits.maxPoints());
        Map<String, Object> answer = Envelope.of(ModelEntries.entries(models, Map.of(), m -> {
            Usd real = Usd.of(m.realCostUsd());
            Map<String, Object> fields = ModelEntries.costs(m, real, real.fixed6());
            fields.put("isLegacy", false);
            return fields;
        }, ModelEntries.mostTokensFirst()));
        answer.put("period", period);
        return answer;
    }

    /**
     * CRS's {@code limits}: the configured limits (CONTRACT §4, in CRS's units: the window in minutes, 0 for
     * unlimited; the weekly quota covers all models here) and their current use, from the stored stats: today's
     * and this week's rated cost (adjustments included, as the quotas count them), and the requests, tokens and
     * rated cost of the sliding window ending now when a window is configured. The window slides, so it has no
     * reset: {@code windowStartTime} and {@code windowEndTime} are its bounds now (epoch ms),
     * {@code windowRemainingSeconds} is null.
     */
    private Map<String, Object> limitsPart(String apiId, KeyLimits configured, Usd totalCost, Instant now) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("tokenLimit", configured.tokensPerWindow());
        part.put("concurrencyLimit", configured.concurrency());
        // minutes as a plain JSON number (CRS counts the window in minutes; a window of 90 s is 1.5)
        part.put("rateLimitWindow", Usd.of(BigDecimal.valueOf(configured.windowSeconds())
                .divide(SECONDS_PER_MINUTE, 10, RoundingMode.HALF_EVEN)));
        part.put("rateLimitRequests", configured.requestsPerWindow());
        part.put("rateLimitCost", Usd.of(configured.costPerWindowUsd()));
        part.put("dailyCostLimit", Usd.of(configured.dailyCostUsd()));
        part.put("totalCostLimit", Usd.of(configured.totalCostUsd()));
        part.put("weeklyOpusCostLimit", Usd.of(configured.weeklyCostUsd()));
        part.put("weeklyResetDay", configured.effectiveWeeklyResetDay());
        part.put("weeklyResetHour", configured.weeklyResetHour());
        Measures window = new Measures();
        Instant windowStart = null;
        if (configured.windowSeconds() > 0) {
            windowStart = now.minus(Duration.ofSeconds(configured.windowSeconds()));
            window = sum(apiId, new Span(windowStart, now));
        }
        part.put("currentWindowRequests", window.requests());
        part.put("currentWindowTokens", window.tokens());
        part.put("currentWindowCost", Usd.of(window.ratedCostUsd()));
        part.put("currentDailyCost", Usd.of(sum(apiId, calendar.day(calendar.today())).ratedCostUsd()));
        part.put("currentTotalCost", totalCost);
        LocalDateTime week = quotaPeriods.weekStart(now, configured);
        Span thisWeek = new Span(week.atZone(calendar.zone()).toInstant(),
                week.plusWeeks(1).atZone(calendar.zone()).toInstant());
        part.put("weeklyOpusCost", Usd.of(sum(apiId, thisWeek).ratedCostUsd()));
        part.put("windowStartTime", windowStart == null ? null : windowStart.toEpochMilli());
        part.put("windowEndTime", windowStart == null ? null : now.toEpochMilli());
        part.put("windowRemainingSeconds", null);
        return part;
    }

    private Measures sum(String apiKeyId, Span span) {
        return reader.sums(List.of(span), Dimension.NONE, new Filters(apiKeyId, null, null), 1).groups().get(null)[0];
    }

    private KeyLimits limits(String apiKeyId) {
        try {
            return keyLimits.find(apiKeyId).orElse(KeyLimits.NONE);
        } catch (SQLException e) {
            throw new ReadFailedException("reading key_limits", e);
        }
    }

    /** CRS takes {@code apiKey} or {@code apiId}; this ledger never sees API key secrets, so only {@code apiId}. */
    private CrsQuery body(String body) {
        if (body != null && body.length() > MAX_BODY_CHARS) {
            throw CrsError.tooLarge("the body must be at most " + MAX_BODY_CHARS + " characters");
        }
        if (body == null || body.isBlank()) {
            throw CrsError.invalid("apiId", "is required: a JSON body {\"apiId\": \"...\"}");
        }
        try {
            Object parsed = JSON.readValue(body, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, ?> values = (Map<String, ?>) map;
                return new CrsQuery(values, calendar.zone());
            }
        } catch (JacksonException e) {
            // answered below
        }
        throw CrsError.invalid("body", "must be a JSON object such as {\"apiId\": \"...\"}");
    }

    private static String apiId(CrsQuery query) {
        String apiId = query.id("apiId");
        if (apiId == null) {
            throw CrsError.invalid("apiId", query.has("apiKey") ? "is required: this ledger knows keys by id, never by"
                    + " their secret (apiKey)" : "is required (the API key's id)");
        }
        return apiId;
    }
}
