package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.statsapi.StatsApiApplication;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /v1/exports/focus} against a real MariaDB holding the known data set: the header holds every column
 * FOCUS 1.2 marks Mandatory, each (day, key, model) row holds exactly that day's usage and request cost, each
 * adjustment has its row, and the sums per key equal {@code cost_stats} over the range.
 */
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FocusExportIT {

    /**
     * The columns whose "Feature level" is "Mandatory" in FOCUS 1.2: the specification's column definitions,
     * github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec at tag v1.2, specification/columns/*.md (the 21 files
     * whose constraint table says {@code Feature level | Mandatory}; their "Column ID").
     */
    static final List<String> FOCUS_1_2_MANDATORY = List.of("BilledCost", "BillingAccountId", "BillingAccountName",
            "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
            "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
            "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
            "ServiceCategory", "ServiceName");
    private static final LocalDate FROM = LocalDate.of(2026, 3, 1);
    private static final LocalDate TO = LocalDate.of(2026, 5, 1);

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

    @Test
    void theExportHoldsEveryMandatoryColumnAndItsSumsPerKeyEqualCostStats() throws Exception {
        HttpResponse<String> answer = client.get("/v1/exports/focus?from=" + FROM + "&to=" + TO, StatsApiIT.ANALYST);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/csv"));
        List<Map<String, String>> rows = parse(answer.body());
        List<String> header = parseLines(answer.body()).get(0);
        assertThat(header).containsAll(FOCUS_1_2_MANDATORY);
        assertThat(header.stream().filter(c -> !FOCUS_1_2_MANDATORY.contains(c))).allMatch(c -> c.startsWith("x_"));

        Map<String, BigDecimal[]> exported = new TreeMap<>();
        for (Map<String, String> row : rows) {
            BigDecimal[] sums = exported.computeIfAbsent(row.get("x_ApiKeyId"),
                    k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add(new BigDecimal(row.get("ListCost")));
            sums[1] = sums[1].add(new BigDecimal(row.get("BilledCost")));
            assertThat(row.get("EffectiveCost")).isEqualTo(row.get("BilledCost"));
            assertThat(row.get("ContractedCost")).isEqualTo(row.get("BilledCost"));
            assertThat(row.get("BillingCurrency")).isEqualTo("USD");
            assertThat(row.get("ChargePeriodStart")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
            for (String notNull : List.of("BilledCost", "BillingAccountId", "BillingPeriodEnd", "BillingPeriodStart",
                    "ChargeCategory", "ChargePeriodEnd", "ContractedCost", "EffectiveCost", "InvoiceIssuerName",
                    "ListCost", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName")) {
                assertThat(row.get(notNull)).as(notNull).isNotEmpty();
            }
        }
        Map<String, BigDecimal[]> stored = costStatsPerKey();
        assertThat(exported.keySet()).isEqualTo(stored.keySet());
        for (String key : stored.keySet()) {
            assertThat(exported.get(key)[0]).as(key + " real").isEqualByComparingTo(stored.get(key)[0]);
            assertThat(exported.get(key)[1]).as(key + " rated").isEqualByComparingTo(stored.get(key)[1]);
            KnownLedger.Truth truth = KnownLedger.get().truth(start(FROM), start(TO), s -> key.equals(s.apiKeyId()));
            assertThat(exported.get(key)[1]).as(key + " rated, ground truth").isEqualByComparingTo(truth.ratedCostUsd());
        }
    }

    @Test
    void eachUsageRowIsOneDaysUsageOfAKeyAndModelAndEachAdjustmentHasItsRow() throws Exception {
        List<Map<String, String>> rows = parse(client.get("/v1/exports/focus?from=" + FROM + "&to=" + TO,
                StatsApiIT.ANALYST).body());
        Map<List<String>, long[]> usage = new HashMap<>();
        Map<List<String>, BigDecimal[]> cost = new HashMap<>();
        for (UsageRecorded u : KnownLedger.get().usage) {
            if (!u.occurredAt().isBefore(start(FROM)) && u.occurredAt().isBefore(start(TO))) {
                List<String> id = List.of(dayStart(u.occurredAt()), u.apiKeyId(), u.model());
                long[] sums = usage.computeIfAbsent(id, k -> new long[3]);
                sums[0]++;
                sums[1] += u.usage().input() + u.usage().output() + u.usage().cacheCreate() + u.usage().cacheRead();
                sums[2] += u.usage().cacheRead();
                BigDecimal[] money = cost.computeIfAbsent(id, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                money[0] = money[0].add(u.cost().realUsd());
                money[1] = money[1].add(u.cost().ratedUsd());
            }
        }
        Map<String, CostAdjusted> adjustments = KnownLedger.get().adjustments.stream()
                .filter(a -> !a.occurredAt().isBefore(start(FROM)) && a.occurredAt().isBefore(start(TO)))
                .collect(Collectors.toMap(CostAdjusted::adjustmentId, a -> a));
        int usageRows = 0;
        List<String> adjustmentIds = new ArrayList<>();
        for (Map<String, String> row : rows) {
            if (row.get("ChargeCategory").equals("Usage")) {
                usageRows++;
                List<String> id = List.of(row.get("ChargePeriodStart"), row.get("x_ApiKeyId"), row.get("x_Model"));
                assertThat(usage).as(id.toString()).containsKey(id);
                assertThat(Long.parseLong(row.get("x_Requests"))).isEqualTo(usage.get(id)[0]);
                assertThat(Long.parseLong(row.get("PricingQuantity"))).isEqualTo(usage.get(id)[1]);
                assertThat(Long.parseLong(row.get("x_CacheReadTokens"))).isEqualTo(usage.get(id)[2]);
                assertThat(row.get("PricingUnit")).isEqualTo("Tokens");
                assertThat(new BigDecimal(row.get("ListCost"))).isEqualByComparingTo(cost.get(id)[0]);
                assertThat(new BigDecimal(row.get("BilledCost"))).isEqualByComparingTo(cost.get(id)[1]);
                assertThat(Instant.parse(row.get("BillingPeriodStart")))
                        .isEqualTo(LocalDate.parse(row.get("ChargePeriodStart").substring(0, 10)).withDayOfMonth(1)
                                .atStartOfDay(ZoneOffset.UTC).toInstant());
            } else {
                assertThat(row.get("ChargeCategory")).isEqualTo("Adjustment");
                CostAdjusted a = adjustments.get(row.get("x_AdjustmentId"));
                assertThat(a).as(row.get("x_AdjustmentId")).isNotNull();
                adjustmentIds.add(a.adjustmentId());
                assertThat(new BigDecimal(row.get("BilledCost"))).isEqualByComparingTo(a.ratedUsd());
                assertThat(new BigDecimal(row.get("ListCost"))).isEqualByComparingTo(a.realUsd());
                assertThat(row.get("ChargePeriodStart")).isEqualTo(dayStart(a.occurredAt()));
                assertThat(row.get("PricingQuantity")).isEmpty();
                assertThat(Instant.parse(row.get("x_OccurredAt"))).isEqualTo(a.occurredAt());
            }
        }
        assertThat(usageRows).isEqualTo(usage.size());
        assertThat(adjustmentIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(adjustments.keySet());
        assertThat(adjustmentIds).isNotEmpty();
    }

    @Test
    void badRangesAre400sNamingTheParameterAndReadersOnlyRead() throws Exception {
        assertBadRequest("/v1/exports/focus?from=bogus&to=2026-04-01", Set.of("from"));
        assertBadRequest("/v1/exports/focus?from=2026-04-01&to=2026-04-01", Set.of("from", "to"));
        assertBadRequest("/v1/exports/focus?from=2026-03-01", Set.of("to"));
        assertBadRequest("/v1/exports/focus?from=2026-03-01T10:00:00Z&to=2026-04-01", Set.of("from"));
        assertBadRequest("/v1/exports/focus?from=2000-01-01&to=2100-01-01", Set.of("to"));
        assertThat(client.get("/v1/exports/focus?from=2026-03-01&to=2026-04-01", null).statusCode()).isEqualTo(401);
        assertThat(client.get("/v1/exports/focus?from=2026-03-01&to=2026-04-01", StatsApiIT.RELAY).statusCode())
                .isEqualTo(401);
    }

    private void assertBadRequest(String path, Set<String> fields) throws Exception {
        HttpResponse<String> answer = client.get(path, StatsApiIT.ANALYST);
        assertThat(answer.statusCode()).as(path).isEqualTo(400);
        List<String> named = new ArrayList<>();
        ReaderClient.json(answer).get("violations").forEach(v -> named.add(v.get("field").asText()));
        assertThat(named).as(path).containsExactlyInAnyOrderElementsOf(fields);
    }

    /** {@code cost_stats} day rows of the range summed per key, straight from the table. */
    private static Map<String, BigDecimal[]> costStatsPerKey() throws Exception {
        Map<String, BigDecimal[]> sums = new TreeMap<>();
        try (Connection c = KnownLedger.get().dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT api_key_id, SUM(real_cost_usd), SUM(rated_cost_usd) FROM cost_stats WHERE granularity = 'day'"
                        + " AND bucket_start >= ? AND bucket_start < ? GROUP BY api_key_id")) {
            ps.setObject(1, LocalDateTime.ofInstant(start(FROM), ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(start(TO), ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sums.put(rs.getString(1), new BigDecimal[] {rs.getBigDecimal(2), rs.getBigDecimal(3)});
                }
            }
        }
        return sums;
    }

    private static Instant start(LocalDate day) {
        return day.atStartOfDay(KnownLedger.REPORTING_ZONE).toInstant();
    }

    private static String dayStart(Instant at) {
        return LocalDate.ofInstant(at, KnownLedger.REPORTING_ZONE).atStartOfDay(KnownLedger.REPORTING_ZONE)
                .toInstant().toString();
    }

    private static List<Map<String, String>> parse(String csv) {
        List<List<String>> lines = parseLines(csv);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> line : lines.subList(1, lines.size())) {
            assertThat(line).hasSameSizeAs(lines.get(0));
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < line.size(); i++) {
                row.put(lines.get(0).get(i), line.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break. */
    private static List<List<String>> parseLines(String csv) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char ch = csv.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                line.add(field.toString());
                field.setLength(0);
            } else if (ch == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                line.add(field.toString());
                field.setLength(0);
                lines.add(line);
                line = new ArrayList<>();
                i++;
            } else {
                field.append(ch);
            }
        }
        return lines;
    }
}
