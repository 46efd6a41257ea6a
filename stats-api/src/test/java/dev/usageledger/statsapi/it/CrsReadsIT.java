package dev.usageledger.statsapi.it;

import static dev.usageledger.statsapi.it.ReaderClient.enc;
import static dev.usageledger.statsapi.it.ReaderClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.statsapi.StatsApiApplication;
import dev.usageledger.statsapi.it.KnownLedger.Subject;
import dev.usageledger.statsapi.it.KnownLedger.Truth;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The Claude Relay Service–compatible reads (CONTRACT §6) against a real MariaDB holding the known data set: each
 * endpoint answers CRS's envelope and shape, and every number equals the ground truth computed from the generated
 * events ("today" is fixed by the clock); no token or a relay token is a 401, a bad parameter a 400 with
 * {@code {"error", "message"}} naming it.
 */
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CrsReadsIT.FixedClock.class)
class CrsReadsIT {

    /** Monday; inside the dense days of the data set. */
    static final Instant NOW = Instant.parse("2026-03-30T15:20:00Z");
    private static final Instant ALL_FROM = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant ALL_TO = Instant.parse("2100-01-01T00:00:00Z");

    @TestConfiguration
    static class FixedClock {
        @Bean
        @Primary
        Clock fixedClock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @LocalServerPort
    int port;
    private ReaderClient client;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        KnownLedger.register(registry);
    }

    @BeforeEach
    void client() {
        client = new ReaderClient(port);
    }

    // ---- trends -----------------------------------------------------------------------------------

    @Test
    void usageTrendPerDayIsTheLastDaysUpToTodayWithRealCost() throws Exception {
        JsonNode body = ok("/admin/usage-trend?granularity=day&days=7");
        assertThat(body.get("granularity").asText()).isEqualTo("day");
        JsonNode data = body.get("data");
        assertThat(data).hasSize(7);
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        for (int i = 0; i < 7; i++) {
            LocalDate date = today.minusDays(6 - i);
            JsonNode point = data.get(i);
            assertThat(point.get("date").asText()).isEqualTo(date.toString());
            Truth truth = truth(day(date), day(date.plusDays(1)), s -> true);
            assertTokens(point, truth);
            assertThat(point.get("totalTokens").asLong()).isEqualTo(truth.tokens());
            assertUsd(point.get("cost"), truth.realCostUsd());
            assertThat(point.get("formattedCost").asText()).isEqualTo(formatCost(truth.realCostUsd()));
        }
        assertThat(ok("/admin/usage-trend").get("data")).hasSize(7);
    }

    @Test
    void usageTrendPerHourCoversEveryHourFromStartToEnd() throws Exception {
        JsonNode data = ok("/admin/usage-trend?granularity=hour&startDate=" + enc("2026-03-29T10:30:00Z")
                + "&endDate=" + enc("2026-03-30T09:00:00Z")).get("data");
        assertThat(data).hasSize(24);
        Instant hour = Instant.parse("2026-03-29T10:00:00Z");
        for (JsonNode point : data) {
            assertThat(point.get("hour").asText()).isEqualTo(hour.toString().replace(":00Z", ":00.000Z"));
            assertThat(point.get("label").asText()).isEqualTo(String.format("%02d/%02d %02d:00",
                    hour.atZone(ZoneOffset.UTC).getMonthValue(), hour.atZone(ZoneOffset.UTC).getDayOfMonth(),
                    hour.atZone(ZoneOffset.UTC).getHour()));
            Truth truth = truth(hour, hour.plus(1, ChronoUnit.HOURS), s -> true);
            assertTokens(point, truth);
            assertUsd(point.get("cost"), truth.realCostUsd());
            hour = hour.plus(1, ChronoUnit.HOURS);
        }
    }

    @Test
    void apiKeysTrendHasEachKeysRatedCostPerDayAndTheTopKeysByTokens() throws Exception {
        JsonNode body = ok("/admin/api-keys-usage-trend?days=3");
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        Map<String, Long> tokens = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            LocalDate date = today.minusDays(2 - i);
            JsonNode point = body.get("data").get(i);
            assertThat(point.get("date").asText()).isEqualTo(date.toString());
            List<String> expectedKeys = new ArrayList<>();
            for (String key : KnownLedger.KEYS) {
                Truth truth = truth(day(date), day(date.plusDays(1)), s -> key.equals(s.apiKeyId()));
                if (!truth.isZero()) {
                    expectedKeys.add(key);
                    JsonNode entry = point.get("apiKeys").get(key);
                    assertThat(entry.get("name").asText()).isEqualTo(key);
                    assertThat(entry.get("tokens").asLong()).isEqualTo(truth.tokens());
                    assertThat(entry.get("requests").asLong()).isEqualTo(truth.requests());
                    assertUsd(entry.get("cost"), truth.ratedCostUsd());
                    assertThat(entry.get("formattedCost").asText()).isEqualTo(formatCost(truth.ratedCostUsd()));
                    tokens.merge(key, truth.tokens(), Long::sum);
                }
            }
            assertThat(names(point.get("apiKeys"))).containsExactlyInAnyOrderElementsOf(expectedKeys);
        }
        List<String> top = tokens.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).toList();
        assertThat(texts(body.get("topApiKeys"))).containsExactlyElementsOf(top);
        assertThat(body.get("totalApiKeys").asInt()).isEqualTo(tokens.size());
        assertThat(body.get("granularity").asText()).isEqualTo("day");
    }

    @Test
    void accountTrendHoldsTheAccountsOfTheGroupWithRealCost() throws Exception {
        JsonNode body = ok("/admin/account-usage-trend?group=claude&granularity=day&days=2");
        assertThat(body.get("group").asText()).isEqualTo("claude");
        assertThat(body.get("groupLabel").asText()).isEqualTo("Claude账户");
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        for (int i = 0; i < 2; i++) {
            LocalDate date = today.minusDays(1 - i);
            JsonNode accounts = body.get("data").get(i).get("accounts");
            for (String account : KnownLedger.ACCOUNTS) {
                Truth truth = truth(day(date), day(date.plusDays(1)), s -> account.equals(s.accountId()));
                assertThat(truth.isZero()).isFalse();
                JsonNode entry = accounts.get(account);
                assertThat(entry.get("requests").asLong()).isEqualTo(truth.requests());
                assertUsd(entry.get("cost"), truth.realCostUsd());
                assertThat(entry.get("formattedCost").asText()).isEqualTo(formatCost(truth.realCostUsd()));
            }
        }
        assertThat(body.get("totalAccounts").asInt()).isEqualTo(KnownLedger.ACCOUNTS.size());
        // every account of the data set is a claude-official one: the openai group is empty
        JsonNode openai = ok("/admin/account-usage-trend?group=openai&days=2");
        assertThat(openai.get("data").get(0).get("accounts").isEmpty()).isTrue();
        assertThat(openai.get("totalAccounts").asInt()).isZero();
        assertThat(openai.get("groupLabel").asText()).isEqualTo("OpenAI账户");
    }

    // ---- model statistics ---------------------------------------------------------------------------

    @Test
    void modelStatsOfADateRangeAreSortedByRealCost() throws Exception {
        JsonNode data = ok("/admin/model-stats?startDate=2026-03-01&endDate=2026-03-31").get("data");
        Instant from = day(LocalDate.of(2026, 3, 1));
        Instant to = day(LocalDate.of(2026, 4, 1));
        List<String> models = KnownLedger.get().groups(from, to, s -> true, Subject::model);
        assertThat(names(data)).containsExactlyInAnyOrderElementsOf(models);
        BigDecimal previous = null;
        for (JsonNode entry : data) {
            String model = entry.get("model").asText();
            Truth truth = truth(from, to, s -> model.equals(s.model()));
            assertThat(entry.get("period").asText()).isEqualTo("custom");
            assertTokens(entry, truth);
            assertThat(entry.get("allTokens").asLong()).isEqualTo(truth.tokens());
            assertThat(entry.get("usage").get("totalTokens").asLong()).isEqualTo(truth.tokens());
            assertUsd(entry.get("costs").get("total"), truth.realCostUsd());
            assertUsd(entry.get("costs").get("rated"), truth.ratedCostUsd());
            assertThat(entry.get("costs").get("input").isNull()).isTrue();
            assertThat(entry.get("formatted").get("total").asText()).isEqualTo(formatCost(truth.realCostUsd()));
            assertThat(entry.get("pricing").isNull()).isTrue();
            if (previous != null) {
                assertThat(truth.realCostUsd()).isLessThanOrEqualTo(previous);
            }
            previous = truth.realCostUsd();
        }
        JsonNode today = ok("/admin/model-stats?period=daily").get("data");
        for (JsonNode entry : today) {
            assertThat(entry.get("period").asText()).isEqualTo("daily");
            assertThat(entry.get("requests").asLong()).isEqualTo(truth(day(LocalDate.of(2026, 3, 30)),
                    day(LocalDate.of(2026, 3, 31)), s -> entry.get("model").asText().equals(s.model())).requests());
        }
    }

    @Test
    void aKeysModelStatsShowStoredCostsMostTokensFirst() throws Exception {
        JsonNode data = ok("/admin/api-keys/key_a/model-stats?period=monthly").get("data");
        Instant from = day(LocalDate.of(2026, 3, 1));
        Instant to = day(LocalDate.of(2026, 4, 1));
        assertThat(names(data)).containsExactlyInAnyOrderElementsOf(
                KnownLedger.get().groups(from, to, s -> "key_a".equals(s.apiKeyId()), Subject::model));
        long previous = Long.MAX_VALUE;
        for (JsonNode entry : data) {
            String model = entry.get("model").asText();
            Truth truth = truth(from, to, s -> "key_a".equals(s.apiKeyId()) && model.equals(s.model()));
            assertTokens(entry, truth);
            assertUsd(entry.get("costs").get("total"), truth.ratedCostUsd());
            assertUsd(entry.get("costs").get("real"), truth.realCostUsd());
            assertThat(entry.get("formatted").get("total").asText()).isEqualTo(formatCost(truth.ratedCostUsd()));
            assertThat(entry.get("usingStoredCost").asBoolean()).isTrue();
            assertThat(entry.get("allTokens").asLong()).isLessThanOrEqualTo(previous);
            previous = entry.get("allTokens").asLong();
        }
        JsonNode custom = ok("/admin/api-keys/key_a/model-stats?period=custom&startDate=2026-03-28"
                + "&endDate=2026-03-29").get("data");
        for (JsonNode entry : custom) {
            Truth truth = truth(day(LocalDate.of(2026, 3, 28)), day(LocalDate.of(2026, 3, 30)),
                    s -> "key_a".equals(s.apiKeyId()) && entry.get("model").asText().equals(s.model()));
            assertTokens(entry, truth);
            assertUsd(entry.get("costs").get("total"), truth.ratedCostUsd());
        }
    }

    // ---- usage records ------------------------------------------------------------------------------

    @Test
    void usageRecordsPageNewestFirstWithTheSummaryOfEveryMatchingRecord() throws Exception {
        Instant from = Instant.parse("2026-03-28T00:00:00Z");
        Instant to = Instant.parse("2026-03-29T00:00:00Z");
        List<UsageRecorded> expected = KnownLedger.get().usage.stream()
                .filter(u -> u.apiKeyId().equals("key_c") && !u.occurredAt().isBefore(from)
                        && u.occurredAt().isBefore(to))
                .sorted(Comparator.comparing(UsageRecorded::occurredAt).thenComparing(UsageRecorded::requestId)
                        .reversed())
                .toList();
        JsonNode data = ok("/admin/api-keys/key_c/usage-records?page=2&pageSize=7&startDate=" + enc(from.toString())
                + "&endDate=" + enc(to.minusMillis(1).toString())).get("data");
        JsonNode records = data.get("records");
        assertThat(records).hasSize(7);
        for (int i = 0; i < 7; i++) {
            UsageRecorded u = expected.get(7 + i);
            JsonNode record = records.get(i);
            assertThat(record.get("requestId").asText()).isEqualTo(u.requestId());
            assertThat(Instant.parse(record.get("timestamp").asText())).isEqualTo(u.occurredAt());
            assertThat(record.get("model").asText()).isEqualTo(u.model());
            assertThat(record.get("inputTokens").asLong()).isEqualTo(u.usage().input());
            assertThat(record.get("ephemeral1hTokens").asLong()).isEqualTo(u.usage().ephemeral1h());
            assertUsd(record.get("cost"), u.cost().ratedUsd().setScale(6, RoundingMode.HALF_UP));
            assertUsd(record.get("realCost"), u.cost().realUsd().setScale(6, RoundingMode.HALF_UP));
            assertThat(record.get("costFormatted").asText()).isEqualTo(formatCost(u.cost().ratedUsd()));
            assertThat(record.get("accountType").asText()).isEqualTo(u.accountId() == null ? "unknown"
                    : "claude-official");
        }
        JsonNode pagination = data.get("pagination");
        assertThat(pagination.get("currentPage").asInt()).isEqualTo(2);
        assertThat(pagination.get("totalRecords").asLong()).isEqualTo(expected.size());
        assertThat(pagination.get("totalPages").asLong()).isEqualTo((expected.size() + 6) / 7);
        assertThat(pagination.get("hasPreviousPage").asBoolean()).isTrue();
        Truth truth = truth(from, to, s -> "key_c".equals(s.apiKeyId()));
        JsonNode summary = data.get("summary");
        assertThat(summary.get("totalRequests").asLong()).isEqualTo(truth.requests());
        assertThat(summary.get("totalTokens").asLong()).isEqualTo(truth.tokens());
        BigDecimal rated = expected.stream().map(u -> u.cost().ratedUsd()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertUsd(summary.get("totalCost"), rated.setScale(6, RoundingMode.HALF_UP));
        assertThat(texts(data.get("availableFilters").get("models")))
                .containsExactlyElementsOf(new TreeSet<>(expected.stream().map(UsageRecorded::model).toList()));
        assertThat(Instant.parse(data.get("availableFilters").get("dateRange").get("latest").asText()))
                .isEqualTo(expected.get(0).occurredAt());
        assertThat(data.get("apiKeyInfo").get("id").asText()).isEqualTo("key_c");

        JsonNode oldest = ok("/admin/api-keys/key_c/usage-records?pageSize=1&sortOrder=asc&page=999999&startDate="
                + enc(from.toString()) + "&endDate=" + enc(to.minusMillis(1).toString())
                + "&model=" + enc(KnownLedger.MODELS.get(1))).get("data");
        List<UsageRecorded> codex = expected.stream().filter(u -> u.model().equals(KnownLedger.MODELS.get(1)))
                .toList();
        assertThat(oldest.get("pagination").get("currentPage").asInt()).isEqualTo(codex.size());
        assertThat(oldest.get("records").get(0).get("requestId").asText()).isEqualTo(codex.get(0).requestId());
    }

    // ---- user stats -----------------------------------------------------------------------------------

    @Test
    void userStatsHoldTheKeysUsageLimitsAndTheirCurrentUse() throws Exception {
        new KeyLimitsStore(KnownLedger.get().dataSource).put("key_b", new KeyLimits(3600, 100, 5000,
                new BigDecimal("2.5"), 4, 300, new BigDecimal("10"), new BigDecimal("1000"), new BigDecimal("50"), 3,
                6, false), "it", NOW);
        JsonNode data = okPost("/apiStats/api/user-stats", "{\"apiId\": \"key_b\"}").get("data");
        assertThat(data.get("id").asText()).isEqualTo("key_b");
        assertThat(data.get("name").asText()).isEqualTo("key_b");
        assertThat(data.get("permissions").isNull()).isTrue();
        Predicate<Subject> keyB = s -> "key_b".equals(s.apiKeyId());
        Truth total = truth(ALL_FROM, ALL_TO, keyB);
        JsonNode usage = data.get("usage").get("total");
        assertThat(usage.get("requests").asLong()).isEqualTo(total.requests());
        assertThat(usage.get("allTokens").asLong()).isEqualTo(total.tokens());
        assertThat(usage.get("inputTokens").asLong()).isEqualTo(total.inputTokens());
        assertUsd(usage.get("cost"), total.ratedCostUsd());
        assertThat(usage.get("formattedCost").asText()).isEqualTo(formatCost(total.ratedCostUsd()));

        JsonNode limits = data.get("limits");
        assertThat(limits.get("rateLimitWindow").decimalValue()).isEqualByComparingTo("60");
        assertThat(limits.get("rateLimitRequests").asLong()).isEqualTo(100);
        assertThat(limits.get("tokenLimit").asLong()).isEqualTo(5000);
        assertThat(limits.get("concurrencyLimit").asInt()).isEqualTo(4);
        assertUsd(limits.get("rateLimitCost"), new BigDecimal("2.5"));
        assertUsd(limits.get("dailyCostLimit"), BigDecimal.TEN);
        assertUsd(limits.get("totalCostLimit"), new BigDecimal("1000"));
        assertUsd(limits.get("weeklyOpusCostLimit"), new BigDecimal("50"));
        assertThat(limits.get("weeklyResetDay").asInt()).isEqualTo(3);
        assertThat(limits.get("weeklyResetHour").asInt()).isEqualTo(6);
        Truth window = truth(NOW.minusSeconds(3600), NOW, keyB);
        assertThat(limits.get("currentWindowRequests").asLong()).isEqualTo(window.requests());
        assertThat(limits.get("currentWindowTokens").asLong()).isEqualTo(window.tokens());
        assertUsd(limits.get("currentWindowCost"), window.ratedCostUsd());
        assertUsd(limits.get("currentDailyCost"), truth(day(LocalDate.of(2026, 3, 30)), day(LocalDate.of(2026, 3,
                31)), keyB).ratedCostUsd());
        // the week starts on Wednesday 06:00 of the reporting zone (UTC) before NOW
        assertUsd(limits.get("weeklyOpusCost"), truth(Instant.parse("2026-03-25T06:00:00Z"),
                Instant.parse("2026-04-01T06:00:00Z"), keyB).ratedCostUsd());
        assertUsd(limits.get("currentTotalCost"), total.ratedCostUsd());
        assertThat(limits.get("windowStartTime").asLong()).isEqualTo(NOW.minusSeconds(3600).toEpochMilli());
        assertThat(window.requests()).as("the window holds requests").isPositive();

        JsonNode unseen = okPost("/apiStats/api/user-stats", "{\"apiId\": \"key_never_seen\"}").get("data");
        assertThat(unseen.get("usage").get("total").get("requests").asLong()).isZero();
        assertThat(unseen.get("limits").get("rateLimitWindow").decimalValue()).isEqualByComparingTo("0");
        assertThat(unseen.get("limits").get("currentWindowRequests").asLong()).isZero();
    }

    @Test
    void userModelStatsAreTheKeysModelsOfThePeriodWithStoredRealCost() throws Exception {
        JsonNode body = okPost("/apiStats/api/user-model-stats", "{\"apiId\": \"key_d\", \"period\": \"alltime\"}");
        assertThat(body.get("period").asText()).isEqualTo("alltime");
        Predicate<Subject> keyD = s -> "key_d".equals(s.apiKeyId());
        assertThat(names(body.get("data"))).containsExactlyInAnyOrderElementsOf(
                KnownLedger.get().groups(ALL_FROM, ALL_TO, keyD, Subject::model));
        for (JsonNode entry : body.get("data")) {
            Truth truth = truth(ALL_FROM, ALL_TO, keyD.and(s -> entry.get("model").asText().equals(s.model())));
            assertTokens(entry, truth);
            assertUsd(entry.get("costs").get("total"), truth.realCostUsd());
            assertUsd(entry.get("costs").get("rated"), truth.ratedCostUsd());
            assertThat(entry.get("formatted").get("total").asText())
                    .isEqualTo("$" + new BigDecimal(truth.realCostUsd().doubleValue()).setScale(6, RoundingMode.HALF_UP)
                            .toPlainString());
            assertThat(entry.get("isLegacy").asBoolean()).isFalse();
        }
        JsonNode monthly = okPost("/apiStats/api/user-model-stats", "{\"apiId\": \"key_d\"}");
        assertThat(monthly.get("period").asText()).isEqualTo("monthly");
        for (JsonNode entry : monthly.get("data")) {
            assertThat(entry.get("requests").asLong()).isEqualTo(truth(day(LocalDate.of(2026, 3, 1)),
                    day(LocalDate.of(2026, 4, 1)), keyD.and(s -> entry.get("model").asText().equals(s.model())))
                    .requests());
        }
    }

    // ---- authentication and bad input ------------------------------------------------------------------

    @Test
    void everyCrsReadNeedsAnAnalystOrAdminToken() throws Exception {
        List<String> gets = List.of("/admin/usage-trend", "/admin/model-stats", "/admin/api-keys-usage-trend",
                "/admin/account-usage-trend", "/admin/api-keys/key_a/model-stats",
                "/admin/api-keys/key_a/usage-records");
        for (String path : gets) {
            assertThat(client.get(path, null).statusCode()).as(path).isEqualTo(401);
            HttpResponse<String> relay = client.get(path, StatsApiIT.RELAY);
            assertThat(relay.statusCode()).as(path).isEqualTo(401);
            assertThat(json(relay).get("error").asText()).isEqualTo("unauthorized");
            assertThat(client.get(path, StatsApiIT.ADMIN).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/apiStats/api/user-stats", "/apiStats/api/user-model-stats")) {
            assertThat(client.post(path, "{\"apiId\": \"key_a\"}", null).statusCode()).as(path).isEqualTo(401);
            assertThat(client.post(path, "{\"apiId\": \"key_a\"}", StatsApiIT.RELAY).statusCode()).isEqualTo(401);
            assertThat(client.post(path, "{\"apiId\": \"key_a\"}", StatsApiIT.ANALYST).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void badParametersAre400sWithErrorAndMessage() throws Exception {
        assertBadRequest("/admin/usage-trend?granularity=week", "granularity");
        assertBadRequest("/admin/usage-trend?days=0", "days");
        assertBadRequest("/admin/usage-trend?days=seven", "days");
        assertBadRequest("/admin/usage-trend?granularity=hour&startDate=2026-03-28&endDate=2026-03-30", "endDate");
        assertBadRequest("/admin/usage-trend?granularity=hour&startDate=yesterday&endDate=2026-03-30", "startDate");
        assertBadRequest("/admin/usage-trend?granularity=hour&startDate=2026-03-30&endDate=2026-03-29", "startDate");
        assertBadRequest("/admin/api-keys-usage-trend?days=100000", "days");
        assertBadRequest("/admin/account-usage-trend?group=azure", "group");
        assertBadRequest("/admin/model-stats?period=weekly", "period");
        assertBadRequest("/admin/model-stats?startDate=2026-03-31&endDate=2026-03-01", "startDate");
        assertBadRequest("/admin/model-stats?startDate=2025-01-01&endDate=2026-03-01", "endDate");
        assertBadRequest("/admin/api-keys/key_a/model-stats?period=custom", "startDate");
        assertBadRequest("/admin/api-keys/" + enc("key a!") + "/model-stats", "keyId");
        assertBadRequest("/admin/api-keys/key_a/usage-records?pageSize=201", "pageSize");
        assertBadRequest("/admin/api-keys/key_a/usage-records?sortOrder=up", "sortOrder");
        assertBadRequest("/admin/api-keys/key_a/usage-records?page=0", "page");
        assertBadPost("/apiStats/api/user-stats", "{}", "apiId");
        assertBadPost("/apiStats/api/user-stats", "{\"apiKey\": \"cr_secret\"}", "apiId");
        assertBadPost("/apiStats/api/user-stats", "not json", "body");
        assertBadPost("/apiStats/api/user-model-stats", "{\"apiId\": \"key_a\", \"period\": \"weekly\"}", "period");
        HttpResponse<String> huge = client.post("/apiStats/api/user-stats", "{\"apiId\": \"" + "k".repeat(20_000)
                + "\"}", StatsApiIT.ANALYST);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(huge).get("error").asText()).isEqualTo("payload_too_large");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static Truth truth(Instant from, Instant to, Predicate<Subject> subject) {
        return KnownLedger.get().truth(from, to, subject);
    }

    private static Instant day(LocalDate date) {
        return date.atStartOfDay(KnownLedger.REPORTING_ZONE).toInstant();
    }

    /** CRS's formatCost of the JavaScript number a client parses from the amount (src/utils/costCalculator.js). */
    private static String formatCost(BigDecimal usd) {
        double cost = usd.doubleValue();
        int digits = cost >= 1 ? 2 : cost >= 0.001 ? 4 : 6;
        String sign = cost < 0 ? "-" : "";
        return "$" + sign + new BigDecimal(Math.abs(cost)).setScale(digits, RoundingMode.HALF_UP).toPlainString();
    }

    private static void assertTokens(JsonNode node, Truth truth) {
        assertThat(node.get("requests").asLong()).as("requests").isEqualTo(truth.requests());
        assertThat(node.get("inputTokens").asLong()).as("inputTokens").isEqualTo(truth.inputTokens());
        assertThat(node.get("outputTokens").asLong()).as("outputTokens").isEqualTo(truth.outputTokens());
        assertThat(node.get("cacheCreateTokens").asLong()).isEqualTo(truth.cacheCreateTokens());
        assertThat(node.get("cacheReadTokens").asLong()).isEqualTo(truth.cacheReadTokens());
    }

    /** Money is a JSON number whose decimal digits are the exact amount. */
    private static void assertUsd(JsonNode node, BigDecimal expected) {
        assertThat(node.isNumber()).as("a JSON number: " + node).isTrue();
        assertThat(node.decimalValue()).isEqualByComparingTo(expected);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(entry -> names.add(entry.get("model").asText()));
        } else {
            node.propertyNames().forEach(names::add);
        }
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> answer = client.get(path, StatsApiIT.ANALYST);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        JsonNode body = json(answer);
        assertThat(body.get("success").asBoolean()).isTrue();
        return body;
    }

    private JsonNode okPost(String path, String body) throws Exception {
        HttpResponse<String> answer = client.post(path, body, StatsApiIT.ANALYST);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        JsonNode json = json(answer);
        assertThat(json.get("success").asBoolean()).isTrue();
        return json;
    }

    private void assertBadRequest(String path, String parameter) throws Exception {
        assertError(client.get(path, StatsApiIT.ANALYST), path, parameter);
    }

    private void assertBadPost(String path, String body, String parameter) throws Exception {
        assertError(client.post(path, body, StatsApiIT.ANALYST), path + " " + body, parameter);
    }

    private static void assertError(HttpResponse<String> answer, String what, String parameter) {
        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
        JsonNode body = json(answer);
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).as(what).startsWith(parameter + " ");
        assertThat(body.has("success")).as("an error has no success field").isFalse();
    }
}
