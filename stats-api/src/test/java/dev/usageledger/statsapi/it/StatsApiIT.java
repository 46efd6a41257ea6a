package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.statsapi.StatsApiApplication;
import dev.usageledger.statsapi.it.KnownLedger.Subject;
import dev.usageledger.statsapi.it.KnownLedger.Truth;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * stats-api in-process against a real MariaDB holding a known data set projected by the projection's writer: every
 * number of every answer equals the ground truth computed from the generated events, in zones whose days the stored
 * rows tile by hours (Europe/Berlin, America/New_York across daylight-saving changes) and in one they do not
 * (Asia/Kolkata, +05:30: hours plus ledger edges).
 */
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatsApiIT {

    static final String ANALYST = "analyst-token-0123456789";
    static final String ADMIN = "admin-token-0123456789ab";
    static final String RELAY = "relay-token-0123456789ab";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        KnownLedger.register(registry);
    }

    // ---- series -------------------------------------------------------------------------------

    @Test
    void dailySeriesInBerlinIsZeroFilledAndExactAcrossSpringForward() throws Exception {
        Checked checked = series("/v1/stats/series?granularity=day&zone=Europe/Berlin&from=2026-03-25&to=2026-04-02"
                + "&groupBy=model", ZoneId.of("Europe/Berlin"), "day", Subject::model);
        JsonNode body = checked.body();
        List<String> starts = checked.starts();
        assertThat(starts).contains("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00").hasSize(8);
        for (JsonNode series : body.get("series")) {
            JsonNode quiet = series.get("points").get(2);
            assertThat(quiet.get("bucketStart").asText()).isEqualTo("2026-03-27T00:00:00+01:00");
            assertThat(quiet.get("requests").asLong()).isZero();
            assertThat(quiet.get("ratedCostUsd").asText()).isEqualTo("0");
        }
    }

    @Test
    void dailySeriesInNewYorkIsExactAcrossBothDaylightSavingChanges() throws Exception {
        ZoneId newYork = ZoneId.of("America/New_York");
        assertThat(series("/v1/stats/series?granularity=day&zone=America/New_York&from=2026-03-05&to=2026-03-12"
                + "&groupBy=apiKeyId", newYork, "day", Subject::apiKeyId).starts())
                .contains("2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00").hasSize(7);
        assertThat(series("/v1/stats/series?granularity=day&zone=America/New_York&from=2026-10-29&to=2026-11-04",
                newYork, "day", s -> null).starts())
                .contains("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00").hasSize(6);
    }

    @Test
    void kolkataSeriesAreExactHourlyAndDaily() throws Exception {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        assertThat(series("/v1/stats/series?granularity=hour&zone=Asia/Kolkata&from=" + enc("2026-03-28T22:00:00+05:30")
                + "&to=" + enc("2026-03-30T10:00:00+05:30"), kolkata, "hour", s -> null).starts()).hasSize(36)
                .first().isEqualTo("2026-03-28T22:00:00+05:30");
        assertThat(series("/v1/stats/series?granularity=day&zone=Asia/Kolkata&from=2026-03-01&to=2026-04-05"
                + "&groupBy=accountId", kolkata, "day", Subject::accountId).starts()).hasSize(35);
    }

    @Test
    void monthlySeriesFromMonthRowsAndArbitraryEdgesFromTheLedgerAreExact() throws Exception {
        ZoneId utc = ZoneId.of("UTC");
        assertThat(series("/v1/stats/series?granularity=month&from=2026-02-01&to=2026-12-01&apiKeyId=key_b"
                + "&groupBy=model", utc, "month", Subject::model).starts()).hasSize(10);
        assertThat(series("/v1/stats/series?granularity=day&from=2026-03-10T10:15:30.500Z&to=2026-03-20T07:45:00Z"
                + "&model=" + enc(KnownLedger.MODELS.get(1)) + "&accountId=acc_2", utc, "day", s -> null).starts())
                .hasSize(11);
    }

    @Test
    void seriesAnswersCsvWithOneLinePerPoint() throws Exception {
        String path = "/v1/stats/series?granularity=day&zone=Europe/Berlin&from=2026-03-25&to=2026-04-02"
                + "&groupBy=model";
        JsonNode json = ok(path);
        HttpResponse<String> csv = get(path, ANALYST, "text/csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("X-Projected-At")).contains(KnownLedger.PROJECTED_AT.toString());
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("group,bucketStart,requests,inputTokens,outputTokens,cacheCreateTokens,"
                + "cacheReadTokens,ephemeral5mTokens,ephemeral1hTokens,realCostUsd,ratedCostUsd,unpricedRequests");
        assertThat(lines).hasSize(1 + json.get("series").size() * 8);
        JsonNode codex = null;
        for (JsonNode series : json.get("series")) {
            if (KnownLedger.MODELS.get(1).equals(series.get("group").asText())) {
                codex = series.get("points").get(4);
            }
        }
        String quoted = "\"gpt-5, \"\"codex\"\"\"";
        assertThat(lines).contains(quoted + "," + codex.get("bucketStart").asText() + ","
                + codex.get("requests").asLong() + "," + codex.get("inputTokens").asLong() + ","
                + codex.get("outputTokens").asLong() + "," + codex.get("cacheCreateTokens").asLong() + ","
                + codex.get("cacheReadTokens").asLong() + "," + codex.get("ephemeral5mTokens").asLong() + ","
                + codex.get("ephemeral1hTokens").asLong() + "," + codex.get("realCostUsd").asText() + ","
                + codex.get("ratedCostUsd").asText() + "," + codex.get("unpricedRequests").asLong());
        assertThat(get(path + "&format=csv", ANALYST, "application/json").body()).isEqualTo(csv.body());
    }

    // ---- top ----------------------------------------------------------------------------------

    @Test
    void topListsTheLargestGroupsFirstWithTheirExactSums() throws Exception {
        Instant from = Instant.parse("2026-03-01T00:00:00Z");
        Instant to = Instant.parse("2026-04-01T00:00:00Z");
        JsonNode keys = ok("/v1/stats/top?dimension=apiKeyId&by=ratedCost&from=2026-03-01&to=2026-04-01&limit=3");
        List<String> expected = KnownLedger.KEYS.stream()
                .sorted(Comparator.comparing((String k) -> KnownLedger.get().truth(from, to,
                        s -> k.equals(s.apiKeyId())).ratedCostUsd()).reversed()).limit(3).toList();
        assertThat(keys.get("items")).extracting(i -> i.get("group").asText()).containsExactlyElementsOf(expected);
        for (JsonNode item : keys.get("items")) {
            assertMatches(item, KnownLedger.get().truth(from, to, s -> item.get("group").asText().equals(s.apiKeyId())));
        }
        assertThat(keys.get("projectedAt").asText()).isEqualTo(KnownLedger.PROJECTED_AT.toString());

        JsonNode models = ok("/v1/stats/top?dimension=model&by=tokens&from=2026-03-01&to=2026-04-01");
        long previous = Long.MAX_VALUE;
        for (JsonNode item : models.get("items")) {
            Truth truth = KnownLedger.get().truth(from, to, s -> item.get("group").asText().equals(s.model()));
            assertMatches(item, truth);
            assertThat(truth.tokens()).isLessThanOrEqualTo(previous);
            previous = truth.tokens();
        }
        HttpResponse<String> csv = get("/v1/stats/top?dimension=accountId&by=requests&from=2026-03-01&to=2026-04-01"
                + "&format=csv", ANALYST, null);
        assertThat(csv.body().lines().toList()).hasSize(1 + KnownLedger.ACCOUNTS.size())
                .first().asString().startsWith("group,requests,");
    }

    @Test
    void topOverArbitraryEdgesRanksEveryGroupByItsExactSums() throws Exception {
        // edges inside hours (ledger), whole hours, whole days and a whole month: every piece of the tiling
        Instant from = Instant.parse("2026-02-25T10:15:30.500Z");
        Instant to = Instant.parse("2026-04-02T07:45:00Z");
        JsonNode top = ok("/v1/stats/top?dimension=model&by=requests&limit=1000&from=" + enc(from.toString())
                + "&to=" + enc(to.toString()));
        // every model with a non-zero sum, adjustments' "*" included (requests 0: last)
        List<String> expected = KnownLedger.get().groups(from, to, s -> true, Subject::model).stream()
                .sorted(Comparator.comparingLong((String m) -> KnownLedger.get().truth(from, to,
                        s -> m.equals(s.model())).requests()).reversed().thenComparing(Comparator.naturalOrder()))
                .toList();
        assertThat(expected).hasSize(KnownLedger.MODELS.size() + 1);
        assertThat(top.get("items")).extracting(i -> i.get("group").asText()).containsExactlyElementsOf(expected);
        for (JsonNode item : top.get("items")) {
            assertMatches(item, KnownLedger.get().truth(from, to, s -> item.get("group").asText().equals(s.model())));
        }
        JsonNode accounts = ok("/v1/stats/top?dimension=accountId&by=realCost&limit=2&from=" + enc(from.toString())
                + "&to=" + enc(to.toString()));
        assertThat(accounts.get("items")).hasSize(2);
        for (JsonNode item : accounts.get("items")) {
            assertMatches(item, KnownLedger.get().truth(from, to,
                    s -> item.get("group").asText().equals(s.accountId())));
        }
    }

    @Test
    void refusesToAnswerFromADayRowFoldedInAnotherZone() throws Exception {
        // A day row starting at 05:00 UTC: folded by a consumer whose reporting zone is not stats-api's (UTC here).
        // The consumer folds it into the key rollup too, which a top list of keys reads.
        try (var c = KnownLedger.get().dataSource.getConnection(); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO usage_stats (granularity, bucket_start, api_key_id, model, requests) "
                    + "VALUES ('day', '2027-03-10 05:00:00', 'key_other_zone', 'm', 1)");
            st.executeUpdate("INSERT INTO key_stats (granularity, bucket_start, api_key_id, requests) "
                    + "VALUES ('day', '2027-03-10 05:00:00', 'key_other_zone', 1)");
        }
        try {
            HttpResponse<String> answer = get("/v1/stats/series?granularity=day&from=2027-03-09&to=2027-03-12"
                    + "&apiKeyId=key_other_zone", ANALYST, null);
            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(get("/v1/stats/top?dimension=apiKeyId&from=2027-03-09&to=2027-03-12", ANALYST, null)
                    .statusCode()).isEqualTo(500);
        } finally {
            try (var c = KnownLedger.get().dataSource.getConnection(); var st = c.createStatement()) {
                st.executeUpdate("DELETE FROM usage_stats WHERE api_key_id = 'key_other_zone'");
                st.executeUpdate("DELETE FROM key_stats WHERE api_key_id = 'key_other_zone'");
            }
        }
    }

    // ---- ledger -------------------------------------------------------------------------------

    @Test
    void followingTheCursorReturnsEveryRecordOnceWhileRecordsArrive() throws Exception {
        Instant from = Instant.parse("2027-01-01T00:00:00Z");
        Instant to = Instant.parse("2027-02-01T00:00:00Z");
        Set<String> before = new HashSet<>();
        for (var u : KnownLedger.get().usage) {
            if (!u.occurredAt().isBefore(from) && u.occurredAt().isBefore(to)) {
                before.add(u.requestId());
            }
        }
        // Records arrive between pages, at random times of the range: some before the cursor, some after it. Done
        // on this thread, so every page of the walk is followed by inserts (a racing thread may finish first).
        int batches = 0;
        List<String> seen = new ArrayList<>();
        Instant last = Instant.MIN;
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok("/v1/ledger?from=2027-01-01&to=2027-02-01&limit=97"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode record : page.get("records")) {
                Instant at = Instant.parse(record.get("occurredAt").asText());
                assertThat(at).isAfterOrEqualTo(last);
                last = at;
                seen.add(record.get("requestId").asText());
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
            if (cursor != null && batches < 40) {
                KnownLedger.get().project(KnownLedger.get().usageEvents("late" + batches, 25, from, to));
                batches++;
            }
        } while (cursor != null);
        assertThat(batches).isPositive();
        assertThat(pages).isGreaterThan(10);
        assertThat(seen).doesNotHaveDuplicates().containsAll(before);
    }

    @Test
    void aLedgerPageCarriesEveryFieldAndTheCsvStreamsTheWholeRange() throws Exception {
        JsonNode page = ok("/v1/ledger?from=2026-03-28&to=2026-03-29&apiKeyId=key_c&limit=1000");
        List<String> ids = new ArrayList<>();
        Map<String, JsonNode> byId = new HashMap<>();
        page.get("records").forEach(r -> {
            ids.add(r.get("requestId").asText());
            byId.put(r.get("requestId").asText(), r);
        });
        var expected = KnownLedger.get().usage.stream()
                .filter(u -> u.apiKeyId().equals("key_c") && !u.occurredAt().isBefore(Instant.parse("2026-03-28T00:00:00Z"))
                        && u.occurredAt().isBefore(Instant.parse("2026-03-29T00:00:00Z")))
                .sorted(Comparator.comparing((UsageRecorded u) -> u.occurredAt())
                        .thenComparing(u -> u.requestId()))
                .toList();
        assertThat(ids).containsExactlyElementsOf(expected.stream().map(u -> u.requestId()).toList());
        var first = expected.get(0);
        JsonNode record = byId.get(first.requestId());
        assertThat(record.get("occurredAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(record.get("occurredAt").asText())).isEqualTo(first.occurredAt());
        assertThat(record.get("model").asText()).isEqualTo(first.model());
        assertThat(record.get("inputTokens").asLong()).isEqualTo(first.usage().input());
        assertThat(record.get("ephemeral1hTokens").asLong()).isEqualTo(first.usage().ephemeral1h());
        assertThat(new BigDecimal(record.get("ratedCostUsd").asText())).isEqualByComparingTo(first.cost().ratedUsd());
        assertThat(record.get("pricingSource").asText()).isEqualTo("catalog");
        assertThat(record.get("pricingVersion").asText()).isNotEmpty();
        assertThat(page.get("nextCursor").isNull()).isTrue();

        HttpResponse<String> csv = get("/v1/ledger?from=2026-03-28&to=2026-03-29&apiKeyId=key_c&limit=5", ANALYST,
                "text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("requestId,occurredAt,apiKeyId,accountId,accountType,model,");
        assertThat(lines).hasSize(1 + expected.size()); // no limit: the whole range
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.indexOf(',')))
                .containsExactlyElementsOf(ids);
    }

    @Test
    void aTamperedOrForeignCursorIsA400NamingCursor() throws Exception {
        JsonNode page = ok("/v1/ledger?from=2026-03-28&to=2026-03-29&limit=3");
        String cursor = page.get("nextCursor").asText();
        char last = cursor.charAt(cursor.length() - 1);
        String tampered = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertBadRequest("/v1/ledger?from=2026-03-28&to=2026-03-29&limit=3&cursor=" + tampered, "cursor");
        assertBadRequest("/v1/ledger?from=2026-03-28&to=2026-03-30&limit=3&cursor=" + cursor, "cursor");
        assertBadRequest("/v1/ledger?from=2026-03-28&to=2026-03-29&cursor=" + enc("not a cursor!"), "cursor");
        assertThat(ok("/v1/ledger?from=2026-03-28&to=2026-03-29&limit=3&cursor=" + cursor).get("records")).hasSize(3);
    }

    // ---- authentication and bad input ------------------------------------------------------------

    @Test
    void readsNeedAnAnalystOrAdminToken() throws Exception {
        String path = "/v1/stats/top?dimension=model&from=2026-03-01&to=2026-04-01";
        assertThat(get(path, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> relay = get(path, RELAY, null);
        assertThat(relay.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(relay.body()).get("error").asText()).isEqualTo("unauthorized");
        assertThat(get(path, "unknown-token-0123456789", null).statusCode()).isEqualTo(401);
        assertThat(get("/v1/ledger?from=bogus", RELAY, null).statusCode()).isEqualTo(401); // 401 before 400
        assertThat(get(path, ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(get(path, ANALYST, null).statusCode()).isEqualTo(200);
    }

    @Test
    void badParametersAre400sNamingThem() throws Exception {
        String range = "&from=2026-03-01&to=2026-04-01";
        assertBadRequest("/v1/stats/series?granularity=day&groupBy=team" + range, "groupBy");
        assertBadRequest("/v1/stats/series?granularity=week" + range, "granularity");
        assertBadRequest("/v1/stats/series?granularity=day&zone=Mars/Olympus_Mons" + range, "zone");
        assertBadRequest("/v1/stats/series?granularity=day&from=2026-04-01&to=2026-04-01", "from", "to");
        assertBadRequest("/v1/stats/series?granularity=hour&from=2024-01-01&to=2026-01-01", "granularity");
        assertBadRequest("/v1/stats/series?granularity=day&groupBy=apiKeyId&accountId=acc_1" + range,
                "accountId", "groupBy");
        assertBadRequest("/v1/stats/series?granularity=day&from=yesterday&to=2026-04-01", "from");
        assertBadRequest("/v1/stats/top?dimension=none" + range, "dimension");
        assertBadRequest("/v1/stats/top?dimension=model&by=cost" + range, "by");
        assertBadRequest("/v1/stats/top?dimension=model&limit=1001" + range, "limit");
        assertBadRequest("/v1/ledger?limit=0" + range, "limit");
        HttpResponse<String> answer = get("/v1/stats/series?granularity=day&groupBy=team" + range, ANALYST, null);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).isNotBlank();
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A series answer and its bucket starts, checked. */
    private record Checked(JsonNode body, List<String> starts) {}

    /**
     * Reads a series and checks every point of every series and the totals against the ground truth, and that every
     * series has every bucket, consecutive and with its offset in the zone.
     */
    private Checked series(String path, ZoneId zone, String granularity, Function<Subject, String> groupOf)
            throws IOException, InterruptedException {
        JsonNode body = ok(path);
        Instant from = OffsetDateTime.parse(body.get("from").asText()).toInstant();
        Instant to = OffsetDateTime.parse(body.get("to").asText()).toInstant();
        Map<String, String> filters = queryFilters(path);
        Predicate<Subject> filtered = s -> (filters.get("apiKeyId") == null || filters.get("apiKeyId").equals(s.apiKeyId()))
                && (filters.get("model") == null || filters.get("model").equals(s.model()))
                && (filters.get("accountId") == null || filters.get("accountId").equals(s.accountId()))
                && (!"accountId".equals(body.get("groupBy").asText()) && filters.get("accountId") == null
                        || s.accountId() != null);
        List<String> groups = new ArrayList<>();
        body.get("series").forEach(g -> groups.add(g.get("group").isNull() ? null : g.get("group").asText()));
        if (!"none".equals(body.get("groupBy").asText())) {
            assertThat(groups).containsExactlyElementsOf(KnownLedger.get().groups(from, to, filtered, groupOf));
        } else {
            assertThat(groups).containsExactly((String) null);
        }
        List<String> starts = null;
        Truth all = KnownLedger.get().truth(from, to, filtered);
        for (JsonNode series : body.get("series")) {
            String group = series.get("group").isNull() ? null : series.get("group").asText();
            List<String> mine = new ArrayList<>();
            JsonNode points = series.get("points");
            for (int i = 0; i < points.size(); i++) {
                JsonNode point = points.get(i);
                ZonedDateTime start = OffsetDateTime.parse(point.get("bucketStart").asText()).atZoneSameInstant(zone);
                assertThat(start.getOffset()).isEqualTo(zone.getRules().getOffset(start.toInstant()));
                ZonedDateTime end = switch (granularity) {
                    case "hour" -> start.plusHours(1);
                    case "day" -> start.toLocalDate().plusDays(1).atStartOfDay(zone);
                    default -> start.toLocalDate().plusMonths(1).atStartOfDay(zone);
                };
                Instant a = start.toInstant().isBefore(from) ? from : start.toInstant();
                Instant b = end.toInstant().isAfter(to) ? to : end.toInstant();
                assertMatches(point, KnownLedger.get().truth(a, b,
                        filtered.and(s -> Objects.equals(group, groupOf.apply(s)))));
                if (i + 1 < points.size()) {
                    assertThat(OffsetDateTime.parse(points.get(i + 1).get("bucketStart").asText()).toInstant())
                            .isEqualTo(end.toInstant());
                }
                mine.add(point.get("bucketStart").asText());
            }
            if (starts != null) {
                assertThat(mine).isEqualTo(starts);
            }
            starts = mine;
        }
        assertMatches(body.get("totals"), all);
        assertThat(body.get("projectedAt").asText()).isEqualTo(KnownLedger.PROJECTED_AT.toString());
        return new Checked(body, starts);
    }

    private static void assertMatches(JsonNode measures, Truth truth) {
        assertThat(measures.get("requests").asLong()).as("requests").isEqualTo(truth.requests());
        assertThat(measures.get("inputTokens").asLong()).as("inputTokens").isEqualTo(truth.inputTokens());
        assertThat(measures.get("outputTokens").asLong()).as("outputTokens").isEqualTo(truth.outputTokens());
        assertThat(measures.get("cacheCreateTokens").asLong()).isEqualTo(truth.cacheCreateTokens());
        assertThat(measures.get("cacheReadTokens").asLong()).isEqualTo(truth.cacheReadTokens());
        assertThat(measures.get("ephemeral5mTokens").asLong()).isEqualTo(truth.ephemeral5mTokens());
        assertThat(measures.get("ephemeral1hTokens").asLong()).isEqualTo(truth.ephemeral1hTokens());
        assertThat(measures.get("realCostUsd").isString()).isTrue();
        assertThat(measures.get("realCostUsd").asText()).matches("-?\\d+(\\.\\d{1,10})?");
        assertThat(new BigDecimal(measures.get("realCostUsd").asText())).as("realCostUsd")
                .isEqualByComparingTo(truth.realCostUsd());
        assertThat(new BigDecimal(measures.get("ratedCostUsd").asText())).as("ratedCostUsd")
                .isEqualByComparingTo(truth.ratedCostUsd());
        assertThat(measures.get("unpricedRequests").asLong()).as("unpricedRequests")
                .isEqualTo(truth.unpricedRequests());
    }

    private void assertBadRequest(String path, String... fields) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(path, ANALYST, null);
        assertThat(answer.statusCode()).as(path).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        List<String> named = new ArrayList<>();
        body.get("violations").forEach(v -> named.add(v.get("field").asText()));
        assertThat(named).as(path).containsExactlyInAnyOrder(fields);
    }

    private JsonNode ok(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(path, ANALYST, null);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The filters a path asks for, so the ground truth applies the same ones. */
    private static Map<String, String> queryFilters(String path) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            if (Set.of("apiKeyId", "model", "accountId").contains(kv[0])) {
                filters.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return filters;
    }

    private HttpResponse<String> get(String path, String token, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
