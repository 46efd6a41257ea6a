package dev.usageledger.statsapi.web;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.statsapi.config.ReadLimitsProperties;
import dev.usageledger.statsapi.read.Baseline;
import dev.usageledger.statsapi.read.Dimension;
import dev.usageledger.statsapi.read.Filters;
import dev.usageledger.statsapi.read.Measures;
import dev.usageledger.statsapi.read.Ranking;
import dev.usageledger.statsapi.read.Span;
import dev.usageledger.statsapi.read.StatsReader;
import dev.usageledger.statsapi.read.TimeBuckets;
import dev.usageledger.statsapi.read.TimeBuckets.Bucket;
import dev.usageledger.statsapi.read.TimeBuckets.Granularity;
import dev.usageledger.statsapi.read.TooManyGroupsException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/stats/series} and {@code GET /v1/stats/top} (CONTRACT §5): sums from stored amounts, exact in any
 * zone, as JSON or CSV.
 */
@RestController
public class StatsController {

    private static final String DIMENSIONS = "none, apiKeyId, model, accountId";
    private static final String TOP_DIMENSIONS = "apiKeyId, model, accountId";
    private static final String RANKINGS = "ratedCost, realCost, tokens, requests";
    private static final String GRANULARITIES = "hour, day, month";
    private static final int MAX_TOP = 1000;

    private final StatsReader reader;
    private final ZoneId reportingZone;
    private final ReadLimitsProperties limits;

    public StatsController(StatsReader reader, LedgerSettings ledger, ReadLimitsProperties limits) {
        this.reader = reader;
        this.reportingZone = ledger.reporting().zoneId();
        this.limits = limits;
    }

    @Operation(summary = "Zero-filled series of the measures per bucket", description = "CONTRACT §5: every "
            + "bucket of [from, to) in zone, in every series; exact from stored rows; CSV by Accept: text/csv or "
            + "format=csv.", parameters = {
            @Parameter(name = "granularity", in = ParameterIn.QUERY, required = true,
                    schema = @Schema(allowableValues = {"hour", "day", "month"})),
            @Parameter(name = "groupBy", in = ParameterIn.QUERY,
                    schema = @Schema(allowableValues = {"none", "apiKeyId", "model", "accountId"})),
            @Parameter(ref = QueryParameters.FROM), @Parameter(ref = QueryParameters.TO),
            @Parameter(ref = QueryParameters.ZONE), @Parameter(ref = QueryParameters.API_KEY_ID),
            @Parameter(ref = QueryParameters.MODEL), @Parameter(ref = QueryParameters.ACCOUNT_ID),
            @Parameter(ref = QueryParameters.FORMAT)})
    @GetMapping("/v1/stats/series")
    public ResponseEntity<?> series(@RequestParam Map<String, String> query,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletResponse response)
            throws IOException {
        Params params = new Params(query);
        Granularity granularity = params.choice("granularity", Granularity::parse, null, GRANULARITIES);
        Dimension groupBy = params.choice("groupBy", Dimension::parse, Dimension.NONE, DIMENSIONS);
        Filters filters = params.filters();
        ZoneId zone = params.zone(reportingZone);
        Instant[] range = params.range(zone);
        boolean csv = params.csv(accept);
        params.check();
        requireOneProjection(groupBy, filters);
        List<Bucket> buckets = TimeBuckets.of(granularity, zone, range[0], range[1], limits.maxBuckets())
                .orElseThrow(() -> BadRequest.of("granularity", "gives more than " + limits.maxBuckets()
                        + " buckets between from and to: choose a coarser granularity or a shorter range"));
        StatsReader.Sums sums;
        int maxGroups = Math.max(1, limits.maxPoints() / buckets.size());
        try {
            sums = reader.sums(buckets.stream().map(b -> new Span(b.countedFrom(), b.countedTo())).toList(),
                    groupBy, filters, maxGroups, zone);
        } catch (TooManyGroupsException e) {
            throw BadRequest.of("groupBy", "gives more than " + maxGroups + " groups over " + buckets.size()
                    + " buckets (at most " + limits.maxPoints() + " points): filter, or choose a coarser "
                    + "granularity or a shorter range");
        }
        Measures totals = new Measures();
        sums.groups().values().forEach(points -> {
            for (Measures m : points) {
                totals.add(m);
            }
        });
        if (csv) {
            List<String> header = new ArrayList<>(List.of("group", "bucketStart"));
            header.addAll(Measures.NAMES);
            try (Csv out = Csv.open(response, sums.projectedAt(), header)) {
                for (Map.Entry<String, Measures[]> group : sums.groups().entrySet()) {
                    for (int i = 0; i < buckets.size(); i++) {
                        List<Object> row = new ArrayList<>(List.of(group.getKey() == null ? "" : group.getKey(),
                                offset(buckets.get(i).start().toInstant(), zone)));
                        row.addAll(group.getValue()[i].values());
                        out.row(row);
                    }
                }
            }
            return null;
        }
        List<Map<String, Object>> series = new ArrayList<>();
        for (Map.Entry<String, Measures[]> group : sums.groups().entrySet()) {
            List<Map<String, Object>> points = new ArrayList<>(buckets.size());
            for (int i = 0; i < buckets.size(); i++) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("bucketStart", offset(buckets.get(i).start().toInstant(), zone));
                point.putAll(group.getValue()[i].toFields());
                points.add(point);
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("group", group.getKey());
            one.put("points", points);
            series.add(one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("granularity", granularity.parameter());
        body.put("zone", zone.getId());
        body.put("from", offset(range[0], zone));
        body.put("to", offset(range[1], zone));
        body.put("groupBy", groupBy.parameter());
        body.put("series", series);
        body.put("totals", totals.toFields());
        putBaseline(body, sums.baseline());
        body.put("projectedAt", instant(sums.projectedAt()));
        return ResponseEntity.ok(body);
    }

    @Operation(summary = "The largest groups over a range", description = "CONTRACT §5: items largest first; "
            + "CSV by Accept: text/csv or format=csv.", parameters = {
            @Parameter(name = "dimension", in = ParameterIn.QUERY, required = true,
                    schema = @Schema(allowableValues = {"apiKeyId", "model", "accountId"})),
            @Parameter(name = "by", in = ParameterIn.QUERY, schema = @Schema(defaultValue = "ratedCost",
                    allowableValues = {"ratedCost", "realCost", "tokens", "requests"})),
            @Parameter(name = "limit", in = ParameterIn.QUERY,
                    schema = @Schema(type = "integer", minimum = "1", maximum = "1000", defaultValue = "10")),
            @Parameter(ref = QueryParameters.FROM), @Parameter(ref = QueryParameters.TO),
            @Parameter(ref = QueryParameters.ZONE), @Parameter(ref = QueryParameters.FORMAT)})
    @GetMapping("/v1/stats/top")
    public ResponseEntity<?> top(@RequestParam Map<String, String> query,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletResponse response)
            throws IOException {
        Params params = new Params(query);
        Dimension dimension = params.choice("dimension",
                v -> Dimension.parse(v).filter(d -> d != Dimension.NONE), null, TOP_DIMENSIONS);
        Ranking by = params.choice("by", Ranking::parse, Ranking.RATED_COST, RANKINGS);
        int limit = params.limit(10, MAX_TOP);
        ZoneId zone = params.zone(reportingZone);
        Instant[] range = params.range(zone);
        boolean csv = params.csv(accept);
        params.check();
        StatsReader.Top top = reader.top(new Span(range[0], range[1]), dimension, by, limit, zone);
        if (csv) {
            List<String> header = new ArrayList<>(List.of("group"));
            header.addAll(Measures.NAMES);
            try (Csv out = Csv.open(response, top.projectedAt(), header)) {
                for (StatsReader.Ranked item : top.items()) {
                    List<Object> row = new ArrayList<>(List.of(item.group()));
                    row.addAll(item.measures().values());
                    out.row(row);
                }
            }
            return null;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (StatsReader.Ranked item : top.items()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("group", item.group());
            one.putAll(item.measures().toFields());
            items.add(one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dimension", dimension.parameter());
        body.put("by", by.parameter());
        body.put("from", offset(range[0], zone));
        body.put("to", offset(range[1], zone));
        body.put("items", items);
        putBaseline(body, top.baseline());
        body.put("projectedAt", instant(top.projectedAt()));
        return ResponseEntity.ok(body);
    }

    /**
     * The account projection holds (account, model) and the key projection (key, model): a key and an account in one
     * request, as grouping or filter, is held by neither (CONTRACT §5).
     */
    private static void requireOneProjection(Dimension groupBy, Filters filters) {
        String account = groupBy == Dimension.ACCOUNT_ID ? "groupBy" : filters.accountId() != null ? "accountId" : null;
        String key = groupBy == Dimension.API_KEY_ID ? "groupBy" : filters.apiKeyId() != null ? "apiKeyId" : null;
        if (account != null && key != null) {
            String message = "cannot be combined with " + (account.equals("groupBy") ? "groupBy=accountId" : "an "
                    + "accountId filter") + " and " + (key.equals("groupBy") ? "groupBy=apiKeyId" : "an apiKeyId "
                    + "filter") + ": no stored projection holds keys and accounts together";
            throw new BadRequest(List.of(new ErrorBody.Violation(account, message),
                    new ErrorBody.Violation(key, message)));
        }
    }

    /**
     * {@code "baseline"}, an addition to CONTRACT §5 (docs/api.md): what the answer added of the history imported from
     * Claude Relay Service; absent where nothing was imported, so such answers are exactly the contract's.
     */
    private static void putBaseline(Map<String, Object> body, Baseline baseline) {
        if (baseline != null) {
            body.put("baseline", baseline.toFields());
        }
    }

    /** An instant with its offset in {@code zone}, as bucket starts and the range are shown. */
    static String offset(Instant instant, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
    }

    static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
