package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.config.ReadLimitsProperties;
import dev.usageledger.statsapi.read.AccountTypes;
import dev.usageledger.statsapi.read.Dimension;
import dev.usageledger.statsapi.read.Filters;
import dev.usageledger.statsapi.read.Measures;
import dev.usageledger.statsapi.read.StatsReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * CRS's trends (CONTRACT §6; shapes of src/routes/admin/usageStats.js): all traffic, per API key and per upstream
 * account, per day or hour, from the stored stats (exact sums of stored costs, never re-priced). Where CRS prices
 * tokens at list prices (usage-trend, account-usage-trend) the cost is the stored real cost; where it reads its
 * stored rated cost (api-keys-usage-trend) the cost is the rated cost.
 */
@RestController
public class CrsTrendController {

    /** CRS's account groups and the account types each holds (usageStats.js, account-usage-trend). */
    private static final Map<String, Set<String>> ACCOUNT_GROUPS = Map.of(
            "claude", Set.of("claude", "claude-official", "claude-console"),
            "openai", Set.of("openai", "openai-responses"),
            "gemini", Set.of("gemini", "gemini-api"),
            "droid", Set.of("droid"),
            "bedrock", Set.of("bedrock"));
    /** CRS's labels of those groups, as it sends them. */
    private static final Map<String, String> GROUP_LABELS = Map.of("claude", "Claude账户", "openai", "OpenAI账户",
            "gemini", "Gemini账户", "droid", "Droid账户", "bedrock", "Bedrock账户");
    private static final int TOP_API_KEYS = 10;
    private static final int TOP_ACCOUNTS = 20;

    private final StatsReader reader;
    private final AccountTypes accountTypes;
    private final CrsCalendar calendar;
    private final ReadLimitsProperties limits;

    CrsTrendController(StatsReader reader, AccountTypes accountTypes, CrsCalendar calendar,
            ReadLimitsProperties limits) {
        this.reader = reader;
        this.accountTypes = accountTypes;
        this.calendar = calendar;
        this.limits = limits;
    }

    /** {@code GET /admin/usage-trend}: all traffic per bucket; an hour range is at most 24 hours, as in CRS. */
    @GetMapping("/admin/usage-trend")
    public Map<String, Object> usageTrend(@RequestParam Map<String, String> params) {
        TrendBuckets trend = TrendBuckets.of(query(params), calendar, limits.maxBuckets(), Duration.ofHours(24));
        Measures[] sums = reader.sums(trend.spans(), Dimension.NONE, Filters.NONE, 1).groups().get(null);
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < sums.length; i++) {
            Measures m = sums[i];
            Map<String, Object> point = new LinkedHashMap<>(trend.buckets().get(i).head());
            point.put("inputTokens", m.inputTokens());
            point.put("outputTokens", m.outputTokens());
            point.put("requests", m.requests());
            point.put("cacheCreateTokens", m.cacheCreateTokens());
            point.put("cacheReadTokens", m.cacheReadTokens());
            point.put("totalTokens", m.tokens());
            Usd cost = Usd.of(m.realCostUsd());
            point.put("cost", cost);
            if (trend.daily()) {
                point.put("formattedCost", cost.formatCost());
            }
            data.add(point);
        }
        Map<String, Object> body = Envelope.of(data);
        body.put("granularity", trend.granularity());
        return body;
    }

    /** {@code GET /admin/api-keys-usage-trend}: per API key and bucket, rated cost; the top 10 keys by tokens. */
    @GetMapping("/admin/api-keys-usage-trend")
    public Map<String, Object> apiKeysTrend(@RequestParam Map<String, String> params) {
        TrendBuckets trend = TrendBuckets.of(query(params), calendar, limits.maxBuckets(), null);
        Map<String, Measures[]> groups = grouped(trend, Dimension.API_KEY_ID);
        Map<String, Object> body = Envelope.of(points(trend, groups, "apiKeys", m -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tokens", m.tokens());
            entry.put("requests", m.requests());
            Usd cost = Usd.of(m.ratedCostUsd());
            entry.put("cost", cost);
            entry.put("formattedCost", cost.formatCost());
            return entry;
        }));
        body.put("granularity", trend.granularity());
        body.put("topApiKeys", top(groups, m -> BigDecimal.valueOf(m.tokens()), TOP_API_KEYS));
        body.put("totalApiKeys", groups.size());
        return body;
    }

    /**
     * {@code GET /admin/account-usage-trend}: per upstream account of one CRS account group and bucket, real cost;
     * the top 20 accounts by cost. An account belongs to the group of its latest request's account type.
     */
    @GetMapping("/admin/account-usage-trend")
    public Map<String, Object> accountTrend(@RequestParam Map<String, String> params) {
        CrsQuery query = query(params);
        String group = query.choice("group", "claude", "claude", "openai", "gemini", "droid", "bedrock");
        TrendBuckets trend = TrendBuckets.of(query, calendar, limits.maxBuckets(), null);
        Map<String, Measures[]> all = grouped(trend, Dimension.ACCOUNT_ID);
        Map<String, String> types = accountTypes.latest(new ArrayList<>(all.keySet()), trend.end());
        Map<String, Measures[]> groups = new LinkedHashMap<>();
        all.forEach((account, sums) -> {
            if (ACCOUNT_GROUPS.get(group).contains(types.get(account))) {
                groups.put(account, sums);
            }
        });
        Map<String, Object> body = Envelope.of(points(trend, groups, "accounts", m -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            Usd cost = Usd.of(m.realCostUsd());
            entry.put("cost", cost);
            entry.put("formattedCost", cost.formatCost());
            entry.put("requests", m.requests());
            return entry;
        }));
        body.put("granularity", trend.granularity());
        body.put("group", group);
        body.put("groupLabel", GROUP_LABELS.get(group));
        body.put("topAccounts", top(groups, Measures::realCostUsd, TOP_ACCOUNTS));
        body.put("totalAccounts", groups.size());
        return body;
    }

    private CrsQuery query(Map<String, String> params) {
        return new CrsQuery(params, calendar.zone());
    }

    private Map<String, Measures[]> grouped(TrendBuckets trend, Dimension dimension) {
        int maxGroups = Math.max(1, limits.maxPoints() / trend.buckets().size());
        return reader.sums(trend.spans(), dimension, Filters.NONE, maxGroups).groups();
    }

    /**
     * One point per bucket holding, under {@code field}, an entry per group with anything in that bucket. CRS names
     * keys and accounts from its own store; this ledger does not know names, so {@code name} is the id.
     */
    private static List<Map<String, Object>> points(TrendBuckets trend, Map<String, Measures[]> groups, String field,
            Function<Measures, Map<String, Object>> entry) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < trend.buckets().size(); i++) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Map.Entry<String, Measures[]> group : groups.entrySet()) {
                Measures m = group.getValue()[i];
                if (!m.isZero()) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("name", group.getKey());
                    one.putAll(entry.apply(m));
                    entries.put(group.getKey(), one);
                }
            }
            Map<String, Object> point = new LinkedHashMap<>(trend.buckets().get(i).head());
            point.put(field, entries);
            data.add(point);
        }
        return data;
    }

    /** The {@code n} groups largest by {@code measure} over every bucket, ties by id. */
    private static List<String> top(Map<String, Measures[]> groups, Function<Measures, BigDecimal> measure, int n) {
        Map<String, BigDecimal> totals = new HashMap<>();
        groups.forEach((group, sums) -> {
            Measures total = new Measures();
            for (Measures m : sums) {
                total.add(m);
            }
            totals.put(group, measure.apply(total));
        });
        return totals.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }
}
