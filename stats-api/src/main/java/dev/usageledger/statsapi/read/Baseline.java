package dev.usageledger.statsapi.read;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an answer added of the history imported from Claude Relay Service (docs/crs-import.md): per import, the
 * granularities of its rows that were added — hours always, days and months only where the answer's zone has the
 * import's offset over the whole range — and why the others were left out; and how many of the added requests have
 * an unknown cost (added as 0). Never splits a bucket: a baseline bucket is added whole or not at all.
 *
 * @param imports             every import, in id order
 * @param costUnknownRequests baseline requests of the answer's range (all groups) whose cost CRS did not store
 */
public record Baseline(List<Use> imports, long costUnknownRequests) {

    /**
     * One import as an answer used it.
     *
     * @param daysAndMonths whether its day and month rows were added (else its hours alone)
     * @param reason        why its days and months were left out; null when they were added
     */
    public record Use(String importId, ZoneOffset offset, Instant cutoff, boolean daysAndMonths, String reason) {}

    /** The answer's {@code "baseline"} field: {@code {"imports": [...], "costUnknownRequests": N}}. */
    public Map<String, Object> toFields() {
        List<Map<String, Object>> uses = new ArrayList<>(imports.size());
        for (Use use : imports) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("importId", use.importId());
            one.put("utcOffset", use.offset().equals(ZoneOffset.UTC) ? "+00:00" : use.offset().getId());
            one.put("cutoff", use.cutoff().toString());
            one.put("included", use.daysAndMonths() ? List.of("hour", "day", "month") : List.of("hour"));
            if (use.reason() != null) {
                one.put("reason", use.reason());
            }
            uses.add(one);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("imports", uses);
        fields.put("costUnknownRequests", costUnknownRequests);
        return fields;
    }
}
