package dev.usageledger.statsapi.it;

import static dev.usageledger.statsapi.it.ReaderClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.statsapi.StatsApiApplication;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * History imported from Claude Relay Service (the baseline of docs/crs-import.md, rows written here with SQL as
 * {@code import-crs} writes them) and live ledger events of the same key after the import's cutoff, read back through
 * the stats API, a CRS-compatible read and the analyst views on a real MariaDB: baseline plus live, each request once.
 * The import is at +08:00 with its cutoff at 12:00 +08:00 on 2026-05-11, the reporting zone Asia/Shanghai (+08:00):
 * days and months of the baseline add in that zone, its hours alone in UTC, and the answer says which.
 */
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrsBaselineIT {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final String IMPORT = "crs-0123456789abcdef";
    static final Instant CUTOFF = Instant.parse("2026-05-11T04:00:00Z");
    static final String KEY = "key_x";
    static final String OTHER_KEY = "key_y";
    static final String ACCOUNT = "acc_x";

    private static TestDatabase database;

    @LocalServerPort
    int port;
    private ReaderClient client;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase db = seeded();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("ledger.security.analyst-tokens", () -> "bi:" + StatsApiIT.ANALYST);
        registry.add("ledger.security.admin-tokens", () -> "ops:" + StatsApiIT.ADMIN);
        registry.add("ledger.security.relay-tokens", () -> "relay-1:" + StatsApiIT.RELAY);
        registry.add("ledger.reporting.zone", SHANGHAI::getId);
    }

    @BeforeEach
    void client() {
        client = new ReaderClient(port);
    }

    // ---- the data: baseline before the cutoff, live after it ------------------------------------------------

    /**
     * Key {@code key_x}, model m1: April (+08:00) as a month row only (its days expired in CRS), the days 1 to 10 of
     * May (d: 10 + d requests), the hours of May 10 (inside that day's row) and of May 11 before the cutoff (no day
     * row: that day ends after the cutoff); model '' (no model detail) and a legacy model without cost on a day.
     * The account's rows mirror the key's m1 rows without cost. Live: two requests of key_x after the cutoff, one of
     * key_y.
     */
    private static synchronized TestDatabase seeded() {
        if (database != null) {
            return database;
        }
        TestDatabase db = TestStack.migratedDatabase("stats_baseline_it");
        try (Connection c = db.dataSource().getConnection()) {
            execute(c, "INSERT INTO crs_imports (import_id, source_uri, utc_offset_minutes, cutoff, first_started_at,"
                    + " last_started_at) VALUES (?, 'redis://crs:6379/0', 480, ?, ?, ?)", IMPORT, utc(CUTOFF),
                    utc(CUTOFF), utc(CUTOFF));
            baseline(c, "month", "2026-03-31T16:00:00Z", "m1", 100, "2.5", "5");
            for (int d = 1; d <= 10; d++) {
                Instant day = Instant.parse("2026-04-30T16:00:00Z").plusSeconds(86_400L * (d - 1));
                int requests = 10 + d;
                baseline(c, "day", day.toString(), "m1", requests, cents(requests), cents(2 * requests));
            }
            baseline(c, "hour", "2026-05-09T18:00:00Z", "m1", 12, cents(12), cents(24));
            baseline(c, "hour", "2026-05-10T03:00:00Z", "m1", 8, cents(8), cents(16));
            baseline(c, "hour", "2026-05-10T17:00:00Z", "m1", 3, cents(3), cents(6));
            baseline(c, "hour", "2026-05-11T02:00:00Z", "m1", 4, cents(4), cents(8));
            baseline(c, "day", "2026-05-01T16:00:00Z", "", 5, null, null);
            baseline(c, "day", "2026-05-02T16:00:00Z", "m2", 7, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        LedgerSeed seed = new LedgerSeed(db.dataSource(), SHANGHAI, Instant.parse("2026-05-12T00:00:00Z"));
        seed.project(List.of(
                Events.usage("live_1").at("2026-05-11T05:30:00Z").key(KEY).account(ACCOUNT).model("m1")
                        .tokens(1000, 100).cost("0.5", "1").build(),
                Events.usage("live_2").at("2026-05-11T20:00:00Z").key(KEY).account(ACCOUNT).model("m1")
                        .tokens(1000, 100).cost("0.5", "1").build(),
                Events.usage("live_3").at("2026-05-11T06:00:00Z").key(OTHER_KEY).model("m1")
                        .tokens(10, 1).cost("50", "100").build()));
        database = db;
        return db;
    }

    /** A key's row (input tokens 100 per request) and, for m1, its account's twin without cost. */
    private static void baseline(Connection c, String granularity, String start, String model, int requests,
            String real, String rated) throws SQLException {
        execute(c, "INSERT INTO crs_usage (import_id, granularity, bucket_start, api_key_id, model, requests,"
                + " input_tokens, real_cost_usd, rated_cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", IMPORT,
                granularity, utc(Instant.parse(start)), KEY, model, requests, 100L * requests,
                real == null ? null : new BigDecimal(real), rated == null ? null : new BigDecimal(rated));
        if (model.equals("m1")) {
            execute(c, "INSERT INTO crs_account_usage (import_id, granularity, bucket_start, account_id, model,"
                    + " requests, input_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)", IMPORT, granularity,
                    utc(Instant.parse(start)), ACCOUNT, model, requests, 100L * requests);
        }
    }

    private static void execute(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String cents(int n) {
        return BigDecimal.valueOf(n, 2).toPlainString();
    }

    // ---- /v1/stats/series -------------------------------------------------------------------------------------

    @Test
    void daysOfTheImportsOffsetAddTheBaselineDayRowsAndTheCutoffDaysHoursOnceWithTheLiveEvents() throws Exception {
        JsonNode body = ok("/v1/stats/series?granularity=day&from=2026-05-09&to=2026-05-13&zone=Asia/Shanghai"
                + "&apiKeyId=" + KEY);
        // May 9 and 10: the day rows (May 10's hours are inside its row); May 11: the hours before the cutoff and
        // one live request; May 12: the other live request
        assertThat(requests(body.get("series").get(0))).containsExactly(19L, 20L, 3L + 4 + 1, 1L);
        assertThat(body.get("totals").get("requests").asLong()).isEqualTo(19 + 20 + 8 + 1);
        assertThat(body.get("totals").get("realCostUsd").asString()).isEqualTo("1.46");
        JsonNode use = body.get("baseline").get("imports").get(0);
        assertThat(use.get("importId").asString()).isEqualTo(IMPORT);
        assertThat(use.get("utcOffset").asString()).isEqualTo("+08:00");
        assertThat(use.get("cutoff").asString()).isEqualTo(CUTOFF.toString());
        assertThat(use.get("included").toString()).isEqualTo("[\"hour\",\"day\",\"month\"]");
        assertThat(use.has("reason")).isFalse();
        assertThat(body.get("baseline").get("costUnknownRequests").asLong()).isZero();
    }

    @Test
    void inUtcOnlyTheBaselinesHoursAddAndTheAnswerSaysWhy() throws Exception {
        JsonNode body = ok("/v1/stats/series?granularity=day&from=2026-05-09&to=2026-05-12&zone=UTC"
                + "&apiKeyId=" + KEY);
        // UTC May 9: the hour 18:00; May 10: 03:00 and 17:00; May 11: 02:00 and both live requests. The +08:00 day
        // rows (May 1 to 10) are never split into UTC days.
        assertThat(requests(body.get("series").get(0))).containsExactly(12L, 8L + 3, 4L + 2);
        JsonNode use = body.get("baseline").get("imports").get(0);
        assertThat(use.get("included").toString()).isEqualTo("[\"hour\"]");
        assertThat(use.get("reason").asString()).contains(IMPORT, "+08:00", "UTC");
    }

    @Test
    void monthsGroupedByModelShowTheModelWithoutDetailAsEmptyAndCountTheRequestsOfUnknownCost() throws Exception {
        JsonNode body = ok("/v1/stats/series?granularity=month&from=2026-04-01&to=2026-06-01&zone=Asia/Shanghai"
                + "&groupBy=model");
        Map<String, List<Long>> byModel = new LinkedHashMap<>();
        body.get("series").forEach(s -> byModel.put(s.get("group").asString(), requests(s)));
        long may = 155 + 3 + 4 + 2 + 1; // days 1-10, the cutoff day's hours, key_x's and key_y's live requests
        assertThat(byModel).containsExactly(Map.entry("", List.of(0L, 5L)), Map.entry("m1", List.of(100L, may)),
                Map.entry("m2", List.of(0L, 7L)));
        assertThat(body.get("baseline").get("costUnknownRequests").asLong()).isEqualTo(5 + 7);
    }

    @Test
    void anAccountReadsTheAccountBaselineWhoseCostIsUnknown() throws Exception {
        JsonNode body = ok("/v1/stats/series?granularity=day&from=2026-05-09&to=2026-05-13&zone=Asia/Shanghai"
                + "&groupBy=accountId");
        JsonNode account = body.get("series").get(0);
        assertThat(account.get("group").asString()).isEqualTo(ACCOUNT);
        assertThat(requests(account)).containsExactly(19L, 20L, 3L + 4 + 1, 1L);
        assertThat(body.get("totals").get("realCostUsd").asString()).isEqualTo("1");
        assertThat(body.get("baseline").get("costUnknownRequests").asLong()).isEqualTo(19 + 20 + 7);
    }

    // ---- /v1/stats/top -------------------------------------------------------------------------------------

    @Test
    void topRanksTheBaselineWithTheLiveEventsInBothSteps() throws Exception {
        String range = "&from=2026-04-01&to=2026-06-01&zone=Asia/Shanghai";
        JsonNode byCost = ok("/v1/stats/top?dimension=apiKeyId&by=ratedCost&limit=10" + range).get("items");
        assertThat(byCost.get(0).get("group").asString()).isEqualTo(OTHER_KEY);
        assertThat(byCost.get(1).get("group").asString()).isEqualTo(KEY);
        // April 5 + May's days 3.10 + the cutoff day's hours 0.14 + live 2
        assertThat(byCost.get(1).get("ratedCostUsd").asString()).isEqualTo("10.24");
        long keyRequests = 100 + 155 + 5 + 7 + 3 + 4 + 2;
        assertThat(byCost.get(1).get("requests").asLong()).isEqualTo(keyRequests);
        // limit 1: the winner ranked alone first, then summed
        JsonNode byRequests = ok("/v1/stats/top?dimension=apiKeyId&by=requests&limit=1" + range);
        assertThat(byRequests.get("items").get(0).get("group").asString()).isEqualTo(KEY);
        assertThat(byRequests.get("items").get(0).get("requests").asLong()).isEqualTo(keyRequests);
        assertThat(byRequests.get("items").get(0).get("inputTokens").asLong())
                .isEqualTo(100 * (keyRequests - 2) + 2000);
        assertThat(byRequests.get("baseline").get("costUnknownRequests").asLong()).isEqualTo(12);
    }

    @Test
    void topInUtcAddsTheBaselinesHoursAlone() throws Exception {
        JsonNode body = ok("/v1/stats/top?dimension=apiKeyId&by=requests&from=2026-04-01&to=2026-06-01&zone=UTC");
        assertThat(body.get("items").get(0).get("group").asString()).isEqualTo(KEY);
        assertThat(body.get("items").get(0).get("requests").asLong()).isEqualTo(12 + 8 + 3 + 4 + 2);
        assertThat(body.get("baseline").get("imports").get(0).get("included").toString()).isEqualTo("[\"hour\"]");
    }

    // ---- CRS-compatible reads and the views ----------------------------------------------------------------

    @Test
    void crsKeyModelStatsAddTheBaselineWithTheModelWithoutDetailAsUnknown() throws Exception {
        JsonNode body = ok("/admin/api-keys/" + KEY + "/model-stats?period=custom&startDate=2026-05-01"
                + "&endDate=2026-05-31");
        Map<String, Long> byModel = new LinkedHashMap<>();
        body.get("data").forEach(m -> byModel.put(m.get("model").asString(), m.get("requests").asLong()));
        assertThat(byModel).containsExactly(Map.entry("m1", 155L + 3 + 4 + 2), Map.entry("m2", 7L),
                Map.entry("unknown", 5L));
    }

    @Test
    void theBaselineDayViewsAndTheLedgersDaysOfTheSameOffsetAddUpWithoutCountingARequestTwice() throws Exception {
        // as docs/analyst-sql.md adds them: the reporting zone has the import's offset here
        String days = "SELECT day_start, source, model, requests, rated_cost_usd FROM ("
                + "SELECT day_start, 'ledger' AS source, api_key_id, model, requests, rated_cost_usd"
                + " FROM daily_cost_by_key_model UNION ALL SELECT day_start, import_id, api_key_id, model, requests,"
                + " rated_cost_usd FROM crs_daily_cost_by_key_model) AS d WHERE api_key_id = ? AND day_start >= ?"
                + " AND day_start < ? ORDER BY day_start, source, model";
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(days)) {
            ps.setString(1, KEY);
            ps.setObject(2, LocalDateTime.parse("2026-05-09T16:00:00"));
            ps.setObject(3, LocalDateTime.parse("2026-05-12T16:00:00"));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getObject(1, LocalDateTime.class) + " " + rs.getString(2) + " " + rs.getString(3)
                            + " " + rs.getLong(4) + " " + rs.getBigDecimal(5).stripTrailingZeros().toPlainString());
                }
            }
        }
        // May 10 (+08:00): its day row, not its hours again; May 11: the hours before the cutoff, then live
        assertThat(rows).containsExactly("2026-05-09T16:00 " + IMPORT + " m1 20 0.4",
                "2026-05-10T16:00 " + IMPORT + " m1 7 0.14", "2026-05-10T16:00 ledger m1 1 1",
                "2026-05-11T16:00 ledger m1 1 1");
        try (Connection c = dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT SUM(requests), MIN(day_utc_offset_minutes),"
                        + " COUNT(DISTINCT day_start) FROM crs_daily_account_usage WHERE account_id = ?"
                        + " AND import_id = ?")) {
            ps.setString(1, ACCOUNT);
            ps.setString(2, IMPORT);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(155 + 3 + 4);
                assertThat(rs.getInt(2)).isEqualTo(480);
                assertThat(rs.getLong(3)).as("May 1 to 10 and the cutoff day").isEqualTo(11);
            }
        }
    }

    private static DataSource dataSource() {
        return seeded().dataSource();
    }

    private JsonNode ok(String path) throws Exception {
        var response = client.get(path, StatsApiIT.ANALYST);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static List<Long> requests(JsonNode series) {
        List<Long> requests = new ArrayList<>();
        series.get("points").forEach(p -> requests.add(p.get("requests").asLong()));
        return requests;
    }
}
