package dev.usageledger.statsapi.web;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.statsapi.read.LedgerCursor;
import dev.usageledger.statsapi.read.LedgerQuery;
import dev.usageledger.statsapi.read.LedgerReader;
import dev.usageledger.statsapi.read.LedgerRecord;
import dev.usageledger.statsapi.read.Money;
import dev.usageledger.statsapi.read.StatsReader;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code GET /v1/ledger} (CONTRACT §5): the ledger's records in (occurredAt, requestId) order, a page at a time with
 * an opaque cursor, or the whole range streamed as CSV in constant memory.
 */
@RestController
public class LedgerController {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The record's fields, in the order of the JSON object and the CSV columns. */
    private static final List<String> FIELDS = List.of("requestId", "occurredAt", "apiKeyId", "accountId",
            "accountType", "model", "inputTokens", "outputTokens", "cacheCreateTokens", "cacheReadTokens",
            "ephemeral5mTokens", "ephemeral1hTokens", "realCostUsd", "ratedCostUsd", "pricingSource",
            "pricingVersion");

    private final LedgerReader ledger;
    private final StatsReader freshness;
    private final ZoneId reportingZone;

    public LedgerController(LedgerReader ledger, StatsReader freshness, LedgerSettings settings) {
        this.ledger = ledger;
        this.freshness = freshness;
        this.reportingZone = settings.reporting().zoneId();
    }

    @Operation(summary = "The ledger's records of a range, cursor-paged", description = "CONTRACT §5: ordered by "
            + "(occurredAt, requestId); follow nextCursor with the same from, to and filters. The CSV (Accept: "
            + "text/csv or format=csv) streams the whole range.", parameters = {
            @Parameter(name = "limit", in = ParameterIn.QUERY,
                    schema = @Schema(type = "integer", minimum = "1", maximum = "1000", defaultValue = "100")),
            @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "nextCursor of the previous page"),
            @Parameter(ref = QueryParameters.FROM), @Parameter(ref = QueryParameters.TO),
            @Parameter(ref = QueryParameters.ZONE), @Parameter(ref = QueryParameters.API_KEY_ID),
            @Parameter(ref = QueryParameters.MODEL), @Parameter(ref = QueryParameters.ACCOUNT_ID),
            @Parameter(ref = QueryParameters.FORMAT)})
    @GetMapping("/v1/ledger")
    public ResponseEntity<?> ledger(@RequestParam Map<String, String> query,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletResponse response)
            throws IOException {
        Params params = new Params(query);
        ZoneId zone = params.zone(reportingZone);
        Instant[] range = params.range(zone);
        var filters = params.filters();
        int limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT);
        boolean csv = params.csv(accept);
        params.check();
        LedgerQuery ledgerQuery = new LedgerQuery(range[0], range[1], filters);
        String cursor = params.get("cursor");
        LedgerCursor.Position after = cursor == null ? null : LedgerCursor.decode(cursor, ledgerQuery)
                .orElseThrow(() -> BadRequest.of("cursor", "is not a cursor this query issued: pass nextCursor "
                        + "unchanged, with the same from, to and filters"));
        if (csv) {
            Csv.stream(response, freshness.projectedAt(), FIELDS,
                    out -> ledger.stream(ledgerQuery, after, r -> out.row(values(r))));
            return null;
        }
        LedgerReader.Page page = ledger.page(ledgerQuery, after, limit);
        List<Map<String, Object>> records = new ArrayList<>(page.records().size());
        for (LedgerRecord r : page.records()) {
            Map<String, Object> record = new LinkedHashMap<>();
            List<Object> values = values(r);
            for (int i = 0; i < FIELDS.size(); i++) {
                record.put(FIELDS.get(i), values.get(i));
            }
            records.add(record);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", records);
        body.put("nextCursor", page.next() == null ? null : LedgerCursor.encode(page.next(), ledgerQuery));
        body.put("projectedAt", StatsController.instant(page.projectedAt()));
        return ResponseEntity.ok(body);
    }

    private static List<Object> values(LedgerRecord r) {
        return Arrays.asList(r.requestId(), MILLIS.format(r.occurredAt()), r.apiKeyId(), r.accountId(),
                r.accountType(), r.model(), r.inputTokens(), r.outputTokens(), r.cacheCreateTokens(),
                r.cacheReadTokens(), r.ephemeral5mTokens(), r.ephemeral1hTokens(), Money.format(r.realCostUsd()),
                Money.format(r.ratedCostUsd()), r.pricingSource(), r.pricingVersion());
    }
}
