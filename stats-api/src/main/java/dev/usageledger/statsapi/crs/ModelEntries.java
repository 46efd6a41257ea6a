package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.read.Dimension;
import dev.usageledger.statsapi.read.Filters;
import dev.usageledger.statsapi.read.Measures;
import dev.usageledger.statsapi.read.Span;
import dev.usageledger.statsapi.read.StatsReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-model entries of CRS's model statistics (admin model-stats, a key's model-stats, user-model-stats): the
 * usage CRS sends for every model, then each endpoint's cost fields. A model {@code *} holds cost adjustments that
 * name no model (CONTRACT §2).
 */
final class ModelEntries {

    /** CRS's per-token-class cost fields: the stats hold no per-class breakdown, so each is null. */
    private static final List<String> COST_CLASSES = List.of("input", "output", "cacheCreate", "cacheWrite",
            "cacheRead", "ephemeral5m", "ephemeral1h");

    private ModelEntries() {}

    /**
     * CRS's name of a model it did not record: the CRS baseline's model {@code ''} (usage whose model detail CRS no
     * longer had, docs/crs-import.md) is shown under it, as CRS shows a request without a model.
     */
    static final String UNKNOWN_MODEL = "unknown";

    /**
     * One model's sums over {@code span} (of one key with {@code apiKeyId}, else of all traffic); the baseline's model
     * {@code ''} as {@link #UNKNOWN_MODEL}, added to a model of that name.
     */
    static Map<String, Measures> sums(StatsReader reader, Span span, String apiKeyId, int maxModels) {
        Map<String, Measures> models = new LinkedHashMap<>();
        reader.sums(List.of(span), Dimension.MODEL, new Filters(apiKeyId, null, null), maxModels).groups()
                .forEach((model, sums) -> models.merge(model.isEmpty() ? UNKNOWN_MODEL : model, sums[0], (a, b) -> {
                    a.add(b);
                    return a;
                }));
        return models;
    }

    /** Entries in CRS's order: {@code model}, then {@code extra}, the usage, then {@code costs}. */
    static List<Map<String, Object>> entries(Map<String, Measures> models, Map<String, Object> extra,
            Function<Measures, Map<String, Object>> costs, Comparator<Measures> order) {
        List<Map.Entry<String, Measures>> sorted = new ArrayList<>(models.entrySet());
        sorted.sort(Map.Entry.<String, Measures>comparingByValue(order).thenComparing(Map.Entry.comparingByKey()));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<String, Measures> model : sorted) {
            Measures m = model.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", model.getKey());
            entry.putAll(extra);
            entry.put("requests", m.requests());
            entry.put("inputTokens", m.inputTokens());
            entry.put("outputTokens", m.outputTokens());
            entry.put("cacheCreateTokens", m.cacheCreateTokens());
            entry.put("cacheReadTokens", m.cacheReadTokens());
            entry.put("allTokens", m.tokens());
            entry.putAll(costs.apply(m));
            entries.add(entry);
        }
        return entries;
    }

    /** Most tokens first, as CRS sorts a key's models ({@code b.allTokens - a.allTokens}). */
    static Comparator<Measures> mostTokensFirst() {
        return Comparator.comparingLong(Measures::tokens).reversed();
    }

    /**
     * {@code costs} and {@code formatted} with CRS's per-class fields (null) and {@code total} as given, plus the
     * stored {@code real} and {@code rated} amounts.
     */
    static Map<String, Object> costs(Measures m, Usd total, String formattedTotal) {
        Map<String, Object> costs = new LinkedHashMap<>();
        Map<String, Object> formatted = new LinkedHashMap<>();
        for (String name : COST_CLASSES) {
            costs.put(name, null);
            formatted.put(name, null);
        }
        costs.put("total", total);
        costs.put("real", Usd.of(m.realCostUsd()));
        costs.put("rated", Usd.of(m.ratedCostUsd()));
        formatted.put("total", formattedTotal);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("costs", costs);
        fields.put("formatted", formatted);
        fields.put("pricing", null);
        return fields;
    }
}
