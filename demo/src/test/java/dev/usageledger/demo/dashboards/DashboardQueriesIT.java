package dev.usageledger.demo.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.usageledger.demo.LedgerApps;
import dev.usageledger.demo.RelayClient;
import dev.usageledger.demo.dashboards.GrafanaSql.Choice;
import dev.usageledger.demo.dashboards.GrafanaSql.Variable;
import dev.usageledger.fixtures.IngestJson;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.RepoLayout;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Executes every query of {@code grafana/dashboards} and {@code deploy/prometheus/alerts.yml} against the real
 * apps: relay-api, usage-consumer and stats-api as processes on the embedded stack (Flyway-migrated MariaDB, Kafka,
 * Redis), with known traffic (six models, several keys and accounts, prompt-cache reads, unpriced requests).
 * <ul>
 *   <li>every MySQL panel's and query variable's SQL, with the macros and each variable substituted as Grafana does
 *       ({@link GrafanaSql}): every granularity, all variables All, then each multi-value variable at its first
 *       value (the others All); run in a read-only UTC session, as the data source's SELECT-only account does; each returns
 *       rows (a time series with a {@code time} column), and with nothing filtered each shows the traffic (a value
 *       other than 0);</li>
 *   <li>every PromQL expression of the dashboards names only metrics (and jobs) that the apps'
 *       {@code /actuator/prometheus} expose after the traffic ({@link PromQl});</li>
 *   <li>every alert rule names only metrics the apps expose right after start, before any traffic: an alert on
 *       {@code increase()} or {@code rate()} must see the series at 0 before its first event.</li>
 * </ul>
 * Each failure names the dashboard (or rule file) and the panel (or rule); all failures are reported together.
 */
class DashboardQueriesIT {

    /** Series Prometheus makes for every scrape target itself. */
    private static final Set<String> SYNTHETIC = Set.of("up");
    private static final RepoLayout REPO = RepoLayout.find();

    private static EmbeddedStack stack;
    private static LedgerApps apps;
    private static Map<String, Set<String>> exposedAtStart;
    private static Map<String, Set<String>> exposedAfterTraffic;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startAppsAndSendTraffic() throws Exception {
        stack = TestStack.get();
        Path logs = Files.createDirectories(stack.baseDir().resolve("dashboards-" + UUID.randomUUID()));
        apps = new LedgerApps(stack, logs, 0, 0);
        apps.startAll();
        apps.startStatsApi(0);
        exposedAtStart = scrapeAll();
        sendTraffic();
        exposedAfterTraffic = scrapeAll();
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.stop();
        }
    }

    @Test
    void everyMySqlQueryRunsWithEveryVariableChoiceAndReturnsRows() throws Exception {
        Instant now = Instant.now();
        GrafanaSql grafana = new GrafanaSql(now.minus(40, ChronoUnit.DAYS), now.plus(1, ChronoUnit.HOURS),
                Duration.ofHours(1));
        List<String> failures = new ArrayList<>();
        int runs = 0;
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "root", "");
                Statement s = c.createStatement()) {
            // The data source's account may only SELECT (the embedded server runs without grant tables, so a
            // read-only session stands in for it) and its session time zone is its timezone (+00:00).
            s.execute("SET SESSION TRANSACTION READ ONLY");
            s.execute("SET time_zone = '+00:00'");
            for (Dashboard d : Dashboard.all(REPO.resolve("grafana/dashboards"))) {
                for (Map<String, Choice> base : customCombinations(d)) {
                    Map<String, Choice> firstValues = firstValues(s, grafana, d, base, failures);
                    runs += d.variableSql().size();
                    for (Map<String, Choice> choice : oneAtATime(base, firstValues)) {
                        boolean unfiltered = choice == base && !d.variables().isEmpty();
                        for (Dashboard.Query q : d.panelSql()) {
                            runs++;
                            check(s, q, grafana.expand(q.text(), choice), choice, unfiltered, failures);
                        }
                    }
                }
            }
        }
        assertThat(runs).as("queries run").isGreaterThan(50);
        assertThat(failures).as(failures.size() + " of " + runs + " dashboard SQL runs failed").isEmpty();
    }

    @Test
    void everyPromQlExpressionOfTheDashboardsNamesOnlyMetricsTheAppsExpose() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Dashboard d : Dashboard.all(REPO.resolve("grafana/dashboards"))) {
            for (Dashboard.Query q : d.promQl()) {
                checked++;
                failures.addAll(unknownMetrics(q.where(), q.text(), exposedAfterTraffic));
            }
        }
        assertThat(checked).as("PromQL expressions").isGreaterThan(20);
        assertThat(failures).isEmpty();
    }

    @Test
    void everyAlertRuleNamesOnlyMetricsTheAppsRegisterAtStart() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map<String, Object> group : listOf(yaml("deploy/prometheus/alerts.yml").get("groups"))) {
            for (Map<String, Object> rule : listOf(group.get("rules"))) {
                checked++;
                String where = "deploy/prometheus/alerts.yml › " + group.get("name") + " › " + rule.get("alert");
                failures.addAll(unknownMetrics(where, (String) rule.get("expr"), exposedAtStart));
            }
        }
        assertThat(checked).as("alert rules").isGreaterThanOrEqualTo(6);
        assertThat(failures).isEmpty();
    }

    /** Runs each query variable's SQL under {@code base}; its first value (Grafana's default pick) per variable. */
    private static Map<String, Choice> firstValues(Statement s, GrafanaSql grafana, Dashboard d,
            Map<String, Choice> base, List<String> failures) throws SQLException {
        Map<String, Choice> first = new LinkedHashMap<>();
        for (Dashboard.Query q : d.variableSql()) {
            List<String> values = firstColumn(s, grafana.expand(q.text(), base));
            if (values.isEmpty()) {
                failures.add(q.where() + " with " + base.values() + ": no values");
            } else {
                first.put(q.variable(), Choice.of(base.get(q.variable()).variable(), values.get(0)));
            }
        }
        return first;
    }

    /** {@code base} itself, then {@code base} with one variable at a time set to its value in {@code values}. */
    private static List<Map<String, Choice>> oneAtATime(Map<String, Choice> base, Map<String, Choice> values) {
        List<Map<String, Choice>> out = new ArrayList<>();
        out.add(base);
        values.forEach((name, choice) -> {
            Map<String, Choice> one = new LinkedHashMap<>(base);
            one.put(name, choice);
            out.add(one);
        });
        return out;
    }

    /** Every value of the custom (single-value) variables, the multi-value ones All. */
    private static List<Map<String, Choice>> customCombinations(Dashboard d) {
        List<Map<String, Choice>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Variable v : d.variables()) {
            List<Map<String, Choice>> next = new ArrayList<>();
            for (Map<String, Choice> partial : out) {
                if (v.options().isEmpty()) {
                    Map<String, Choice> m = new LinkedHashMap<>(partial);
                    m.put(v.name(), Choice.all(v));
                    next.add(m);
                } else {
                    for (String option : v.options()) {
                        Map<String, Choice> m = new LinkedHashMap<>(partial);
                        m.put(v.name(), Choice.of(v, option));
                        next.add(m);
                    }
                }
            }
            out = next;
        }
        return out;
    }

    private static void check(Statement s, Dashboard.Query q, String sql, Map<String, Choice> choice,
            boolean unfiltered, List<String> failures) {
        String where = q.where() + " with " + choice.values();
        try (ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            Set<String> columns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            if ("time_series".equals(q.format()) && !columns.contains("time")) {
                failures.add(where + ": a time series without a 'time' column: " + columns);
                return;
            }
            int rows = 0;
            boolean nonZero = false;
            while (r.next()) {
                rows++;
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String label = meta.getColumnLabel(i);
                    Object value = r.getObject(i);
                    if (!label.equalsIgnoreCase("time") && value instanceof Number n && n.doubleValue() != 0) {
                        nonZero = true;
                    }
                }
            }
            if (rows == 0) {
                failures.add(where + ": no rows\n" + sql);
            } else if (unfiltered && !nonZero) {
                failures.add(where + ": only zeros with nothing filtered\n" + sql);
            }
        } catch (SQLException e) {
            failures.add(where + ": " + e.getMessage() + "\n" + sql);
        }
    }

    private static List<String> firstColumn(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    private static List<String> unknownMetrics(String where, String expr, Map<String, Set<String>> exposed)
            throws Exception {
        Set<PromQl.MetricRef> refs = PromQl.metrics(expr);
        if (refs.isEmpty()) {
            return List.of(where + ": no metric found in " + expr);
        }
        Set<String> jobs = scrapeJobs();
        List<String> failures = new ArrayList<>();
        for (PromQl.MetricRef ref : refs) {
            if (ref.job() != null && !jobs.contains(ref.job())) {
                failures.add(where + ": job \"" + ref.job() + "\" is not scraped (deploy/prometheus/prometheus.yml)");
            } else if (SYNTHETIC.contains(ref.name())) {
                continue;
            } else if (ref.job() != null && exposed.containsKey(ref.job())) {
                if (!exposed.get(ref.job()).contains(ref.name())) {
                    failures.add(where + ": " + ref.job() + " does not expose " + ref.name());
                }
            } else if (exposed.values().stream().noneMatch(names -> names.contains(ref.name()))) {
                failures.add(where + ": no app exposes " + ref.name());
            }
        }
        return failures;
    }

    private static Set<String> scrapeJobs() throws Exception {
        Set<String> jobs = new TreeSet<>();
        for (Map<String, Object> config : listOf(yaml("deploy/prometheus/prometheus.yml").get("scrape_configs"))) {
            jobs.add((String) config.get("job_name"));
        }
        return jobs;
    }

    /** Sample names per scrape job (the job names of prometheus.yml). */
    private static Map<String, Set<String>> scrapeAll() throws Exception {
        Map<String, Set<String>> out = new HashMap<>();
        out.put("relay-api", scrape(apps.relayUrl()));
        out.put("usage-consumer", scrape(apps.consumerUrl()));
        out.put("stats-api", scrape(apps.statsUrl()));
        return out;
    }

    private static Set<String> scrape(String baseUrl) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(baseUrl + "/actuator/prometheus").isEqualTo(200);
        Set<String> names = new TreeSet<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
            }
        }
        return names;
    }

    /**
     * 400 requests of realistic traffic over the last three hours (eight keys, six models, seven accounts, prompt-cache
     * reads) and two unpriced requests per key, posted to relay-api and awaited in MySQL.
     */
    private static void sendTraffic() throws Exception {
        String prefix = "dash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // ingest takes at most millisecond precision
        UsageTraffic traffic = new UsageTraffic(UsageTraffic.Mix.realistic(8), 13, 400,
                UsageTraffic.Timeline.spread(now.minus(3, ChronoUnit.HOURS), now.minus(1, ChronoUnit.MINUTES)),
                prefix);
        RelayClient relay = new RelayClient(apps.relayUrl());
        List<ObjectNode> events = new ArrayList<>();
        traffic.all().forEach(u -> events.add(IngestJson.of(u)));
        for (int key = 0; key < 8; key++) {
            for (int i = 0; i < 2; i++) {
                ObjectNode unpriced = IngestJson.usage(prefix + "u" + key + "-" + i, UsageTraffic.keyId(key));
                unpriced.put("model", "acme-unlisted-model-1");
                events.add(unpriced);
            }
        }
        for (int from = 0; from < events.size(); from += 100) {
            ArrayNode batch = relay.mapper().createArrayNode();
            events.subList(from, Math.min(events.size(), from + 100)).forEach(batch::add);
            relay.postUsage(batch, LedgerApps.RELAY_TOKEN);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "root", "");
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(
                            "SELECT COUNT(*) FROM usage_records WHERE request_id LIKE '" + prefix + "%'")) {
                r.next();
                return r.getInt(1) == events.size();
            }
        });
    }

    private static Map<String, Object> yaml(String relative) throws Exception {
        try (Reader reader = Files.newBufferedReader(REPO.resolve(relative))) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Object yaml) {
        return (List<Map<String, Object>>) yaml;
    }
}
