package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.config.ReadLimitsProperties;
import dev.usageledger.statsapi.read.Measures;
import dev.usageledger.statsapi.read.Span;
import dev.usageledger.statsapi.read.StatsReader;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * CRS's model statistics for admins (CONTRACT §6): all traffic's ({@code GET /admin/model-stats},
 * src/routes/admin/dashboard.js) and one key's ({@code GET /admin/api-keys/:keyId/model-stats},
 * src/routes/admin/usageStats.js), from the stored stats of today, this month or a date range of the reporting zone.
 */
@RestController
public class CrsModelStatsController {

    /** CRS refuses longer custom ranges ("Date range cannot exceed 365 days"). */
    private static final int MAX_RANGE_DAYS = 365;

    private final StatsReader reader;
    private final CrsCalendar calendar;
    private final ReadLimitsProperties limits;

    CrsModelStatsController(StatsReader reader, CrsCalendar calendar, ReadLimitsProperties limits) {
        this.reader = reader;
        this.calendar = calendar;
        this.limits = limits;
    }

    /**
     * All traffic per model. CRS prices the tokens at list prices there, so {@code costs.total} is the stored real
     * cost; sorted by it, largest first. {@code startDate} and {@code endDate} together choose a range of dates
     * (both included), else {@code period} ({@code daily}: today, {@code monthly}: this month).
     */
    @GetMapping("/admin/model-stats")
    public Map<String, Object> modelStats(@RequestParam Map<String, String> params) {
        CrsQuery query = new CrsQuery(params, calendar.zone());
        String period = query.choice("period", "daily", "daily", "monthly");
        boolean custom = query.has("startDate") && query.has("endDate");
        Span span = custom ? dateRange(query) : preset(period);
        var models = ModelEntries.sums(reader, span, null, limits.maxPoints());
        Comparator<Measures> largestCostFirst = Comparator.comparing(Measures::realCostUsd).reversed();
        return Envelope.of(ModelEntries.entries(models, Map.of("period", custom ? "custom" : period),
                m -> withUsage(m, ModelEntries.costs(m, Usd.of(m.realCostUsd()), Usd.of(m.realCostUsd())
                        .formatCost())), largestCostFirst));
    }

    /**
     * One key per model, with its stored costs as CRS shows stored costs ({@code costs.total} rated,
     * {@code costs.real}; {@code usingStoredCost}); most tokens first. {@code period=custom} with {@code startDate}
     * and {@code endDate} chooses a range of dates, {@code daily} today, {@code monthly} (default) this month.
     */
    @GetMapping("/admin/api-keys/{keyId}/model-stats")
    public Map<String, Object> keyModelStats(@PathVariable String keyId, @RequestParam Map<String, String> params) {
        CrsQuery query = new CrsQuery(params, calendar.zone());
        String apiKeyId = CrsQuery.pathId("keyId", keyId, calendar.zone());
        String period = query.choice("period", "monthly", "daily", "monthly", "custom");
        if (period.equals("custom") && !(query.has("startDate") && query.has("endDate"))) {
            throw CrsError.invalid("startDate", "and endDate are required with period=custom");
        }
        Span span = period.equals("custom") ? dateRange(query) : preset(period);
        var models = ModelEntries.sums(reader, span, apiKeyId, limits.maxPoints());
        return Envelope.of(ModelEntries.entries(models, Map.of(), m -> {
            Usd rated = Usd.of(m.ratedCostUsd());
            Map<String, Object> fields = ModelEntries.costs(m, rated, rated.formatCost());
            fields.put("usingDynamicPricing", false);
            fields.put("usingStoredCost", true);
            return fields;
        }, ModelEntries.mostTokensFirst()));
    }

    /** CRS's {@code usage} object of the admin model-stats, before the costs. */
    private static Map<String, Object> withUsage(Measures m, Map<String, Object> costs) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        Map<String, Object> usage = new java.util.LinkedHashMap<>();
        usage.put("requests", m.requests());
        usage.put("inputTokens", m.inputTokens());
        usage.put("outputTokens", m.outputTokens());
        usage.put("cacheCreateTokens", m.cacheCreateTokens());
        usage.put("cacheReadTokens", m.cacheReadTokens());
        usage.put("totalTokens", m.tokens());
        fields.put("usage", usage);
        fields.putAll(costs);
        return fields;
    }

    private Span preset(String period) {
        return period.equals("daily") ? calendar.day(calendar.today()) : calendar.currentMonth();
    }

    /** The dates from {@code startDate} to {@code endDate}, both included, at most 365 of them. */
    private Span dateRange(CrsQuery query) {
        LocalDate start = query.date("startDate");
        LocalDate end = query.date("endDate");
        if (start.isAfter(end)) {
            throw CrsError.invalid("startDate", "must be before or equal to endDate");
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_RANGE_DAYS) {
            throw CrsError.invalid("endDate", "must be at most " + MAX_RANGE_DAYS + " days from startDate");
        }
        return calendar.days(start, end);
    }
}
