package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.statsapi.StatsApiApplication;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The usage page in a real browser (headless Chromium, {@link HeadlessChromium}) against stats-api in-process on the
 * known data set: it signs in from the address's fragment, draws every chart's series, shows the API's own totals, top
 * items, stored limits and ledger pages, downloads the ledger as CSV, and refuses a wrong token. Screenshots go to
 * target/ui-screenshots/; the page's weight and time to charts are printed, not asserted.
 */
@ExtendWith(HeadlessChromium.Required.class)
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UsagePageIT {

    private static final String MARCH = "from=2026-03-01&to=2026-04-01&zone=Europe/Berlin&granularity=day";
    private static HeadlessChromium browser;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        KnownLedger.register(registry);
    }

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void signedIn() {
        browser.load(base() + "/#token=" + StatsApiIT.ANALYST);
        browser.awaitState("ready");
        browser.consoleErrors(); // drained: each test reads its own
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private ReaderClient api() {
        return new ReaderClient(port);
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> answer = api().get(path, StatsApiIT.ANALYST);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return ReaderClient.json(answer);
    }

    // ---- sign-in ----------------------------------------------------------------------------------------------

    @Test
    void theFragmentSignsInKeepsTheTokenInTheTabOnlyAndLeavesTheAddress() {
        browser.load(base() + "/#token=" + StatsApiIT.ANALYST);
        browser.awaitState("ready");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(StatsApiIT.ANALYST).doesNotContain("token");
        assertThat(browser.script("return sessionStorage.getItem('usage-ledger.token')"))
                .isEqualTo(StatsApiIT.ANALYST);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedAndTheRightOneThenSignsIn() {
        browser.load(base() + "/#token=wrong-token-0123456789abcdef");
        browser.awaitState("signin");
        assertThat(browser.driver.findElement(By.cssSelector("[data-refused]")).getText()).contains("Token refused");
        assertThat(browser.script("return sessionStorage.getItem('usage-ledger.token')")).isNull();
        browser.screenshot("token-refused");
        browser.consoleErrors(); // the refused reads log their 401s

        browser.driver.findElement(By.name("token")).sendKeys(StatsApiIT.ANALYST);
        browser.driver.findElement(By.cssSelector(".signin button[type=submit]")).click();
        browser.awaitState("ready");
        assertThat(browser.consoleErrors()).as("console errors").isEmpty();
    }

    // ---- overview ---------------------------------------------------------------------------------------------

    @Test
    void theOverviewDrawsEveryChartAndShowsTheApisTotalsAndTopItems() throws Exception {
        browser.load(base() + "/#/?" + MARCH);
        browser.awaitState("ready");
        System.out.printf("usage page: charts drawn %.0f ms after navigation start (31 daily buckets, Berlin)%n",
                ((Number) browser.script("return window.__chartsDrawnMs")).doubleValue());
        JsonNode series = ok("/v1/stats/series?granularity=day&from=2026-03-01&to=2026-04-01&zone=Europe/Berlin");
        assertTotalsShown(series.get("totals"));
        assertChartsDrawn("overview", 31);
        for (String dimension : List.of("apiKeyId", "model", "accountId")) {
            JsonNode top = ok("/v1/stats/top?dimension=" + dimension + "&by=ratedCost&limit=10&from=2026-03-01"
                    + "&to=2026-04-01&zone=Europe/Berlin");
            List<String> expected = new ArrayList<>();
            top.get("items").forEach(i -> expected.add(i.get("group").isNull() ? "" : i.get("group").asText()));
            assertThat(browser.driver.findElements(By.cssSelector("[data-top='" + dimension + "'] tbody tr")))
                    .extracting(r -> r.getDomAttribute("data-group")).as(dimension)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(browser.driver.findElement(By.id("freshness")).getDomAttribute("data-projected-at"))
                .isEqualTo(series.get("projectedAt").asText());
        browser.screenshot("overview");
        assertThat(browser.consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void theFirstLoadStaysLightAndDrawsItsCharts() {
        // a browser of its own: nothing cached, so every static file counts
        try (HeadlessChromium cold = HeadlessChromium.start()) {
            cold.load(base() + "/#token=" + StatsApiIT.ANALYST);
            cold.awaitState("ready");
            @SuppressWarnings("unchecked")
            Map<String, Object> weight = (Map<String, Object>) cold.script("""
                    const nav = performance.getEntriesByType('navigation')[0];
                    const all = performance.getEntriesByType('resource');
                    const sum = list => list.reduce((s, e) => s + e.transferSize, 0);
                    const reads = all.filter(e => new URL(e.name).pathname.startsWith('/v1/'));
                    return { page: nav.transferSize + sum(all.filter(e => !reads.includes(e))),
                             reads: sum(reads), files: all.length - reads.length + 1,
                             drawn: window.__chartsDrawnMs,
                             timings: [nav, ...all].map(e => `${new URL(e.name).pathname} ${Math.round(e.startTime)}`
                               + `+${Math.round(e.duration)} ms`).join(', ') };""");
            long page = ((Number) weight.get("page")).longValue();
            System.out.printf("usage page, first load: %d bytes of page files (%s files), %d bytes of reads; charts "
                    + "drawn %.0f ms after navigation start%n", page, weight.get("files"),
                    ((Number) weight.get("reads")).longValue(), ((Number) weight.get("drawn")).doubleValue());
            System.out.println("usage page, first load, each file's start+duration: " + weight.get("timings"));
            assertThat(page).as("bytes the page's files transferred").isPositive();
            // the default range (the last 7 days) holds no data here: every line lies on zero, so no colour check
            assertChartsDrawn(cold, "overview", 7, false);
            assertThat(cold.consoleErrors()).as("console errors").isEmpty();
        }
    }

    // ---- a key ------------------------------------------------------------------------------------------------

    @Test
    void aKeysPageShowsItsSeriesModelMixStoredLimitsAndLedger() throws Exception {
        new KeyLimitsStore(KnownLedger.get().dataSource).put("key_a", new KeyLimits(60, 500, 0, BigDecimal.ZERO, 2,
                120, new BigDecimal("25"), BigDecimal.ZERO, BigDecimal.ZERO, 1, 0, false), "it",
                KnownLedger.PROJECTED_AT);
        browser.load(base() + "/#/key/key_a?" + MARCH);
        browser.awaitState("ready");
        JsonNode series = ok("/v1/stats/series?granularity=day&from=2026-03-01&to=2026-04-01&zone=Europe/Berlin"
                + "&apiKeyId=key_a");
        assertTotalsShown(series.get("totals"));
        assertChartsDrawn("key", 31);

        JsonNode byModel = ok("/v1/stats/series?granularity=day&from=2026-03-01&to=2026-04-01&zone=Europe/Berlin"
                + "&apiKeyId=key_a&groupBy=model");
        List<WebElement> mix = browser.driver.findElements(By.cssSelector("[data-top='model'] tbody tr"));
        assertThat(mix).hasSize(byModel.get("series").size());
        for (JsonNode group : byModel.get("series")) {
            BigDecimal rated = BigDecimal.ZERO;
            for (JsonNode point : group.get("points")) {
                rated = rated.add(new BigDecimal(point.get("ratedCostUsd").asText()));
            }
            WebElement row = mix.stream().filter(r -> group.get("group").asText().equals(r.getDomAttribute(
                    "data-group"))).findFirst().orElseThrow();
            assertThat(new BigDecimal(row.findElements(By.tagName("td")).get(3).getDomAttribute("title")))
                    .as("rated cost of %s", group.get("group")).isEqualByComparingTo(rated);
        }

        assertThat(browser.driver.findElement(By.cssSelector("[data-limit='requestsPerWindow']")).getText())
                .isEqualTo("500");
        assertThat(browser.driver.findElement(By.cssSelector("[data-limit='dailyCostUsd']")).getText())
                .startsWith("25");
        assertThat(browser.driver.findElement(By.cssSelector("[data-limit='tokensPerWindow']")).getText())
                .isEqualTo("unlimited");
        assertThat(shownLedger()).containsExactlyElementsOf(requestIds(ok("/v1/ledger?from=2026-03-01"
                + "&to=2026-04-01&zone=Europe/Berlin&apiKeyId=key_a&limit=50")));
        browser.screenshot("key");
        assertThat(browser.consoleErrors()).as("console errors").isEmpty();

        browser.load(base() + "/#/key/key_c?" + MARCH);
        browser.awaitState("ready");
        assertThat(browser.driver.findElement(By.cssSelector("[data-limits]")).getDomAttribute("data-limits"))
                .as("key_c has no stored limits").isEqualTo("none");
    }

    // ---- the ledger -------------------------------------------------------------------------------------------

    @Test
    void theLedgerPagesByItsCursorAndDownloadsTheFilteredRangeAsCsv() throws Exception {
        String range = "from=2027-01-01&to=2027-02-01&zone=UTC";
        browser.load(base() + "/#/ledger?" + range + "&limit=40");
        browser.awaitState("ready");
        JsonNode first = ok("/v1/ledger?" + range + "&limit=40");
        JsonNode second = ok("/v1/ledger?" + range + "&limit=40&cursor=" + first.get("nextCursor").asText());
        assertThat(shownLedger()).containsExactlyElementsOf(requestIds(first));
        browser.driver.findElement(By.cssSelector("[data-page='next']")).click();
        awaitLedgerPage(2);
        assertThat(shownLedger()).containsExactlyElementsOf(requestIds(second));
        browser.screenshot("ledger");
        browser.driver.findElement(By.cssSelector("[data-page='previous']")).click();
        awaitLedgerPage(1);
        assertThat(shownLedger()).containsExactlyElementsOf(requestIds(first));

        String filtered = "from=2027-01-01&to=2027-01-11&zone=UTC&apiKeyId=key_b&model="
                + ReaderClient.enc(KnownLedger.MODELS.get(1));
        browser.load(base() + "/#/ledger?" + filtered);
        browser.awaitState("ready");
        browser.driver.findElement(By.cssSelector("[data-download='csv']")).click();
        Path csv = awaitDownload();
        String expected = api().get("/v1/ledger?" + filtered + "&format=csv", StatsApiIT.ANALYST).body();
        assertThat(expected.lines().count()).as("a CSV with records").isGreaterThan(2);
        assertThat(Files.readString(csv, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(browser.consoleErrors()).as("console errors").isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Every totals card shows the API's figure: exact in data-value, and as the page formats it. */
    private static void assertTotalsShown(JsonNode totals) {
        for (String count : List.of("requests", "inputTokens", "outputTokens", "cacheCreateTokens",
                "cacheReadTokens")) {
            WebElement card = card(count);
            assertThat(card.getDomAttribute("data-value")).as(count).isEqualTo(totals.get(count).asText());
            assertThat(card.getText()).as(count).isEqualTo(String.format(Locale.US, "%,d", totals.get(count).asLong()));
        }
        for (String money : List.of("realCostUsd", "ratedCostUsd")) {
            BigDecimal value = new BigDecimal(totals.get(money).asText());
            WebElement card = card(money);
            assertThat(new BigDecimal(card.getDomAttribute("data-value"))).as(money).isEqualByComparingTo(value);
            assertThat(card.getText()).as(money).isEqualTo(usd(value));
        }
        long prompt = totals.get("inputTokens").asLong() + totals.get("cacheCreateTokens").asLong()
                + totals.get("cacheReadTokens").asLong();
        assertThat(card("cacheHitRatio").getText()).isEqualTo(percent(totals.get("cacheReadTokens").asLong(), prompt));
        // the known ledger has unpriced requests: the share is shown, never the "—" of an answer without the measure
        assertThat(totals.get("unpricedRequests").asLong()).isPositive();
        assertThat(card("unpricedShare").getText())
                .isEqualTo(percent(totals.get("unpricedRequests").asLong(), totals.get("requests").asLong()));
    }

    private static WebElement card(String measure) {
        return browser.driver.findElement(By.cssSelector("[data-measure='" + measure + "']"));
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "—" : BigDecimal.valueOf(part * 100).divide(BigDecimal.valueOf(whole), 1,
                RoundingMode.HALF_UP) + "%";
    }

    /** The page's money format: 2 fraction digits from $1 up, 4 below, half away from zero, thousands grouped. */
    private static String usd(BigDecimal value) {
        int digits = value.abs().compareTo(BigDecimal.ONE) >= 0 ? 2 : 4;
        DecimalFormat format = new DecimalFormat("#,##0." + "0".repeat(digits), DecimalFormatSymbols.getInstance(
                Locale.US));
        format.setRoundingMode(RoundingMode.HALF_UP);
        String shown = format.format(value.abs());
        boolean negative = value.setScale(digits, RoundingMode.HALF_UP).signum() < 0;
        return (negative ? "-$" : "$") + shown;
    }

    private static void assertChartsDrawn(String prefix, int points) {
        assertChartsDrawn(browser, prefix, points, true);
    }

    /**
     * The view's three charts drew their series: each reports itself drawn with its series and buckets, and each
     * series' colour is on its canvas (where {@code lines}: lines that differ, so none hides another).
     */
    @SuppressWarnings("unchecked")
    private static void assertChartsDrawn(HeadlessChromium on, String prefix, int points, boolean lines) {
        Map<String, Map<String, Object>> charts = (Map<String, Map<String, Object>>) on.script(
                "return window.__usagePage.charts");
        assertThat(charts).containsOnlyKeys(prefix + "-requests", prefix + "-tokens", prefix + "-cost");
        Map<String, Integer> seriesOf = Map.of(prefix + "-requests", 1, prefix + "-tokens", 4, prefix + "-cost", 2);
        for (Map.Entry<String, Map<String, Object>> chart : charts.entrySet()) {
            Map<String, Object> c = chart.getValue();
            assertThat(c.get("drawn")).as(chart.getKey()).isEqualTo(true);
            assertThat(((Number) c.get("series")).intValue()).as(chart.getKey()).isEqualTo(seriesOf.get(chart.getKey()));
            assertThat(((Number) c.get("points")).intValue()).as(chart.getKey()).isEqualTo(points);
            if (!lines) {
                continue;
            }
            List<Number> pixels = (List<Number>) on.script("""
                    const canvas = document.querySelector(`[data-chart="${arguments[0]}"] canvas`);
                    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                    return arguments[1].map(hex => {
                      const rgb = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
                      let n = 0;
                      for (let i = 0; i < data.length; i += 4) {
                        if (data[i + 3] > 200 && rgb.every((v, k) => Math.abs(data[i + k] - v) < 24)) n++;
                      }
                      return n;
                    });""", chart.getKey(), c.get("colors"));
            assertThat(pixels).as("pixels of each series' colour on %s", chart.getKey())
                    .allSatisfy(n -> assertThat(n.intValue()).isPositive());
        }
    }

    private static List<String> shownLedger() {
        return browser.driver.findElements(By.cssSelector("table[data-ledger] tbody tr[data-request-id]")).stream()
                .map(r -> r.getDomAttribute("data-request-id")).toList();
    }

    private static List<String> requestIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("records").forEach(r -> ids.add(r.get("requestId").asText()));
        return ids;
    }

    private static void awaitLedgerPage(int page) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d -> String.valueOf(page).equals(
                d.findElement(By.cssSelector("[data-ledger-panel]")).getDomAttribute("data-page")));
    }

    private static Path awaitDownload() {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> {
            try (var files = Files.list(browser.downloads)) {
                Optional<Path> done = files.filter(f -> f.toString().endsWith(".csv")).findFirst();
                return done.orElse(null);
            } catch (java.io.IOException e) {
                return null;
            }
        });
    }
}
