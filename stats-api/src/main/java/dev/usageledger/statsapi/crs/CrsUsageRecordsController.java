package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.read.KeyRecord;
import dev.usageledger.statsapi.read.KeyRecordsReader;
import dev.usageledger.statsapi.read.KeyRecordsReader.Group;
import dev.usageledger.statsapi.read.LedgerRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/api-keys/:keyId/usage-records} (CONTRACT §6; shape of src/routes/admin/usageStats.js): one
 * key's ledger rows a page at a time, newest first by default, with the summary and filter options of every row
 * that matches. CRS keeps the last 200 records of a key; this reads the whole ledger, so a page may go at most
 * {@value #MAX_OFFSET} rows deep (beyond: a 400 naming {@code page}; narrow the dates, or use {@code /v1/ledger}).
 * {@code cost} is the rated cost and {@code realCost} the real cost, as CRS records them; account names and
 * statuses are CRS's own and null here.
 */
@RestController
public class CrsUsageRecordsController {

    private static final int MAX_OFFSET = 10_000;
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");
    /** CRS's names of account types (usageStats.js accountTypeNames), as it sends them. */
    private static final Map<String, String> ACCOUNT_TYPE_NAMES = Map.ofEntries(
            Map.entry("claude", "Claude官方"), Map.entry("claude-official", "Claude官方"),
            Map.entry("claude-console", "Claude Console"), Map.entry("ccr", "Claude Console Relay"),
            Map.entry("openai", "OpenAI"), Map.entry("openai-responses", "OpenAI Responses"),
            Map.entry("gemini", "Gemini"), Map.entry("gemini-api", "Gemini API"), Map.entry("droid", "Droid"),
            Map.entry("bedrock", "AWS Bedrock"), Map.entry("unknown", "未知渠道"));
    private static final String UNKNOWN_TYPE_NAME = "未知渠道";

    private final KeyRecordsReader reader;
    private final CrsCalendar calendar;

    CrsUsageRecordsController(KeyRecordsReader reader, CrsCalendar calendar) {
        this.reader = reader;
        this.calendar = calendar;
    }

    /**
     * {@code page} (from 1) and {@code pageSize} (1–200, default 50); {@code startDate} and {@code endDate} bound
     * the records' time, both included as in CRS; {@code model}, {@code accountId}; {@code sortOrder} asc or desc.
     */
    @GetMapping("/admin/api-keys/{keyId}/usage-records")
    public Map<String, Object> usageRecords(@PathVariable String keyId, @RequestParam Map<String, String> params) {
        CrsQuery query = new CrsQuery(params, calendar.zone());
        String apiKeyId = CrsQuery.pathId("keyId", keyId, calendar.zone());
        int page = query.integer("page", 1, 1, Integer.MAX_VALUE);
        int pageSize = query.integer("pageSize", 50, 1, 200);
        String sortOrder = query.choice("sortOrder", "desc", "asc", "desc");
        Instant start = query.instant("startDate");
        Instant end = query.instant("endDate");
        if (start != null && end != null && start.isAfter(end)) {
            throw CrsError.invalid("startDate", "must be before or equal to endDate");
        }
        String model = query.model("model");
        String accountId = query.id("accountId");
        KeyRecordsReader.Query rows = new KeyRecordsReader.Query(apiKeyId, start == null ? EARLIEST : start,
                end == null ? LATEST : end.plusMillis(1), model, accountId);
        KeyRecordsReader.Result result = reader.read(rows, sortOrder.equals("desc"), pageSize, total -> {
            long offset = (shownPage(page, pageSize, total) - 1) * pageSize;
            if (offset > MAX_OFFSET) {
                throw CrsError.invalid("page", "must start within the first " + MAX_OFFSET + " matching records:"
                        + " narrow startDate and endDate");
            }
            return total == 0 ? -1 : (int) offset;
        });
        long total = result.groups().stream().mapToLong(Group::requests).sum();
        long totalPages = (total + pageSize - 1) / pageSize;
        long shown = shownPage(page, pageSize, total);

        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("currentPage", shown);
        pagination.put("pageSize", pageSize);
        pagination.put("totalRecords", total);
        pagination.put("totalPages", totalPages);
        pagination.put("hasNextPage", totalPages > 0 && shown < totalPages);
        pagination.put("hasPreviousPage", totalPages > 0 && shown > 1);

        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("startDate", start == null ? null : CrsCalendar.iso(start));
        filters.put("endDate", end == null ? null : CrsCalendar.iso(end));
        filters.put("model", model);
        filters.put("accountId", accountId);
        filters.put("sortOrder", sortOrder);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("records", result.page().stream().map(CrsUsageRecordsController::record).toList());
        data.put("pagination", pagination);
        data.put("filters", filters);
        data.put("apiKeyInfo", Map.of("id", apiKeyId, "name", apiKeyId));
        data.put("summary", summary(result.groups(), total));
        data.put("availableFilters", availableFilters(result.groups()));
        return Envelope.of(data);
    }

    /** The page shown: the one asked for, or the last one when it is beyond (CRS's {@code safePage}). */
    private static long shownPage(int page, int pageSize, long total) {
        long pages = (total + pageSize - 1) / pageSize;
        return pages == 0 ? 1 : Math.min(page, pages);
    }

    private static Map<String, Object> record(KeyRecord row) {
        LedgerRecord r = row.record();
        String type = r.accountType() == null ? "unknown" : r.accountType();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("requestId", r.requestId());
        record.put("timestamp", CrsCalendar.iso(r.occurredAt()));
        record.put("model", r.model());
        record.put("accountId", r.accountId());
        record.put("accountName", null);
        record.put("accountStatus", null);
        record.put("accountType", type);
        record.put("accountTypeName", ACCOUNT_TYPE_NAMES.getOrDefault(type, UNKNOWN_TYPE_NAME));
        record.put("inputTokens", r.inputTokens());
        record.put("outputTokens", r.outputTokens());
        record.put("cacheCreateTokens", r.cacheCreateTokens());
        record.put("cacheReadTokens", r.cacheReadTokens());
        record.put("ephemeral5mTokens", r.ephemeral5mTokens());
        record.put("ephemeral1hTokens", r.ephemeral1hTokens());
        record.put("totalTokens", r.inputTokens() + r.outputTokens() + r.cacheCreateTokens() + r.cacheReadTokens());
        record.put("isLongContextRequest", row.longContext());
        Usd rated = Usd.of(r.ratedCostUsd());
        Usd real = Usd.of(r.realCostUsd());
        record.put("cost", rated.rounded6());
        record.put("costFormatted", rated.formatCost());
        record.put("realCost", real.rounded6());
        record.put("realCostFormatted", real.formatCost());
        Map<String, Object> breakdown = null;
        if (row.breakdown() != null) {
            breakdown = new LinkedHashMap<>();
            breakdown.put("input", Usd.of(row.breakdown().input()));
            breakdown.put("output", Usd.of(row.breakdown().output()));
            breakdown.put("cacheCreate", Usd.of(row.breakdown().cacheCreate()));
            breakdown.put("cacheRead", Usd.of(row.breakdown().cacheRead()));
            breakdown.put("total", real);
        }
        record.put("costBreakdown", breakdown);
        record.put("responseTime", row.durationMs());
        return record;
    }

    /** Totals of every matching row; {@code totalCost} and {@code avgCost} rated, to 6 decimals as CRS rounds. */
    private static Map<String, Object> summary(List<Group> groups, long total) {
        long[] tokens = new long[4];
        BigDecimal cost = BigDecimal.ZERO;
        for (Group g : groups) {
            tokens[0] += g.inputTokens();
            tokens[1] += g.outputTokens();
            tokens[2] += g.cacheCreateTokens();
            tokens[3] += g.cacheReadTokens();
            cost = cost.add(g.ratedCostUsd());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("totalRequests", total);
        summary.put("inputTokens", tokens[0]);
        summary.put("outputTokens", tokens[1]);
        summary.put("cacheCreateTokens", tokens[2]);
        summary.put("cacheReadTokens", tokens[3]);
        summary.put("totalTokens", tokens[0] + tokens[1] + tokens[2] + tokens[3]);
        summary.put("totalCost", Usd.of(cost).rounded6());
        summary.put("avgCost", total == 0 ? Usd.ZERO
                : Usd.of(cost.divide(BigDecimal.valueOf(total), 10, RoundingMode.HALF_EVEN)).rounded6());
        return summary;
    }

    /** The models and accounts among every matching row (accounts by id with every type seen), and its dates. */
    private static Map<String, Object> availableFilters(List<Group> groups) {
        Set<String> models = new LinkedHashSet<>();
        Map<String, Set<String>> accounts = new TreeMap<>();
        Instant earliest = null;
        Instant latest = null;
        for (Group g : groups) {
            models.add(g.model());
            if (g.accountId() != null) {
                accounts.computeIfAbsent(g.accountId(), a -> new LinkedHashSet<>())
                        .add(g.accountType() == null ? "unknown" : g.accountType());
            }
            earliest = earliest == null || g.first().isBefore(earliest) ? g.first() : earliest;
            latest = latest == null || g.last().isAfter(latest) ? g.last() : latest;
        }
        List<Map<String, Object>> accountOptions = new ArrayList<>();
        accounts.forEach((id, types) -> {
            String type = types.iterator().next();
            Map<String, Object> option = new LinkedHashMap<>();
            option.put("id", id);
            option.put("name", id);
            option.put("accountType", type);
            option.put("accountTypeName", ACCOUNT_TYPE_NAMES.getOrDefault(type, UNKNOWN_TYPE_NAME));
            option.put("rawTypes", List.copyOf(types));
            accountOptions.add(option);
        });
        Map<String, Object> dateRange = new LinkedHashMap<>();
        dateRange.put("earliest", earliest == null ? null : CrsCalendar.iso(earliest));
        dateRange.put("latest", latest == null ? null : CrsCalendar.iso(latest));
        Map<String, Object> available = new LinkedHashMap<>();
        available.put("models", models.stream().sorted().toList());
        available.put("accounts", accountOptions);
        available.put("dateRange", dateRange);
        return available;
    }
}
