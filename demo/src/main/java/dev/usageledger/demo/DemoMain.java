package dev.usageledger.demo;

import dev.usageledger.fixtures.IngestJson;
import dev.usageledger.fixtures.RelayedTraffic;
import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one-command embedded run: real Kafka (KRaft), MariaDB and Redis, relay-api,
 * usage-consumer and stats-api as their own processes, a demo relay sending realistic traffic, and the totals
 * read back from MySQL, with a progress line every few seconds while it sends and projects. Stays up until Ctrl-C.
 */
@Command(name = "usage-ledger-demo", mixinStandardHelpOptions = true,
        description = "Runs usage-ledger on embedded Kafka, MariaDB and Redis with a demo relay.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "5000", description = "Distinct requests the demo relay reports (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keys", defaultValue = "60", description = "API keys (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--days", defaultValue = "3", description = "Days the traffic is spread over (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--resend-percent", defaultValue = "10", description = "Share of resends (default ${DEFAULT-VALUE}).")
    int resendPercent;

    @Option(names = "--batch", defaultValue = "100", description = "Events per ingest request (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--relay-port", defaultValue = "8080", description = "relay-api port, 0 for any (default ${DEFAULT-VALUE}).")
    int relayPort;

    @Option(names = "--consumer-port", defaultValue = "8081", description = "usage-consumer port, 0 for any (default ${DEFAULT-VALUE}).")
    int consumerPort;

    @Option(names = "--stats-port", defaultValue = "8082", description = "stats-api port, 0 for any (default ${DEFAULT-VALUE}).")
    int statsPort;

    @Option(names = "--dir", defaultValue = ".demo", description = "Working directory for data and logs (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--consumer-after-ingest", description = "Start usage-consumer only once every event is in Kafka, "
            + "and report the rate at which it drains the backlog (events/s).")
    boolean consumerAfterIngest;

    @Option(names = "--exit", description = "Stop everything after printing the result instead of waiting for Ctrl-C.")
    boolean exitWhenDone;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    /**
     * The demo relay's traffic: {@code events} requests over {@code keys} keys, in time order over {@code span} ending
     * a minute before {@code now}; five models and one account per provider; {@code resendPercent}% resends and
     * {@code adjustments} cost adjustments.
     */
    static RelayedTraffic traffic(long seed, Instant now, Duration span, int keys, int events, int resendPercent,
            int adjustments) {
        Instant end = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(60);
        UsageTraffic usage = new UsageTraffic(new UsageTraffic.Mix(keys, 5, 1, 1, 66, 0), seed, events,
                UsageTraffic.Timeline.spread(end.minus(span), end), "req_");
        return new RelayedTraffic(usage, resendPercent, adjustments);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path root = dir.toAbsolutePath();
        removeFinishedRuns(root);
        Path base = root.resolve("run-" + ProcessHandle.current().pid());
        Files.createDirectories(base);
        say("usage-ledger demo: starting Kafka (KRaft), MariaDB and Redis under " + base);
        EmbeddedStack stack = EmbeddedStack.start(base);
        // Rated cost = real × service rate: the demo charges Claude at 1.2× and OpenAI (codex) at 1.1×.
        LedgerApps apps = new LedgerApps(stack, base, relayPort, consumerPort)
                .relayArgs("--ledger.pricing.service-rates.claude=1.2", "--ledger.pricing.service-rates.codex=1.1");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping apps and servers ...");
            apps.stop();
            stack.close();
            stopped.countDown();
        }, "demo-shutdown"));
        long stackMs = elapsedMs(t0);
        say("servers up in " + stackMs + " ms; starting relay-api, usage-consumer and stats-api");
        long t1 = System.nanoTime();
        Thread relayStart = new Thread(() -> {
            try {
                apps.startRelayApi();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        relayStart.start();
        if (!consumerAfterIngest) {
            apps.startConsumer();
        }
        apps.startStatsApi(statsPort);
        relayStart.join();
        long appsMs = elapsedMs(t1);
        say("apps ready in " + appsMs + " ms (total start-up " + elapsedMs(t0) + " ms)");

        RelayClient relay = new RelayClient(apps.relayUrl());
        RelayedTraffic traffic = traffic(42, Clock.systemUTC().instant(), Duration.ofDays(days), keys, events,
                resendPercent, 20);
        List<ObjectNode> stream = traffic.interleaved().stream().map(IngestJson::of).toList();
        say("demo relay: sending " + stream.size() + " usage events (" + events + " distinct requests, "
                + (stream.size() - events) + " resends) in batches of " + batch + ", and 20 cost adjustments (5 posted twice)");
        long t2 = System.nanoTime();
        try (Progress progress = Progress.onStdout("sending", stream.size())) {
            for (int from = 0; from < stream.size(); from += batch) {
                ArrayNode array = relay.mapper().createArrayNode();
                stream.subList(from, Math.min(stream.size(), from + batch)).forEach(array::add);
                relay.postUsage(array, LedgerApps.RELAY_TOKEN);
                progress.advance(array.size());
            }
        }
        for (int i = 0; i < traffic.adjustments.size(); i++) {
            ObjectNode adjustment = IngestJson.of(traffic.adjustments.get(i));
            relay.postAdjustment(adjustment, LedgerApps.ADMIN_TOKEN);
            if (i < 5) {
                relay.postAdjustment(adjustment, LedgerApps.ADMIN_TOKEN);
            }
        }
        long sendMs = elapsedMs(t2);
        say(String.format("all accepted (202) in %d ms (%.0f events/s over HTTP); waiting for usage-consumer",
                sendMs, stream.size() * 1000.0 / Math.max(1, sendMs)));
        long t3 = System.nanoTime();
        if (consumerAfterIngest) {
            apps.startConsumer();
            say("usage-consumer ready in " + elapsedMs(t3) + " ms; draining the backlog");
            t3 = System.nanoTime();
        }
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "root", "")) {
            awaitProjected(c, events, traffic.adjustments.size());
            long drainMs = elapsedMs(t3);
            say(String.format("projected %d requests and %d adjustments (%d messages with resends and repeats) "
                    + "in %d ms: %.0f messages/s", events, traffic.adjustments.size(),
                    stream.size() + traffic.adjustments.size() + 5, drainMs,
                    (stream.size() + traffic.adjustments.size() + 5) * 1000.0 / Math.max(1, drainMs)));
            printTotals(c);
        }
        say("");
        say("Look around:");
        // the page reads the token from the fragment, which the browser never sends to a server (docs/usage-page.md)
        say("  usage page        " + apps.statsUrl() + "/#token=" + LedgerApps.ANALYST_TOKEN
                + "   (open it: the token signs this browser tab in)");
        say("  ingest            POST " + apps.relayUrl() + "/v1/usage-events   (Authorization: Bearer " + LedgerApps.RELAY_TOKEN + ")");
        say("  adjustments       POST " + apps.relayUrl() + "/v1/cost-adjustments (Authorization: Bearer " + LedgerApps.ADMIN_TOKEN + ")");
        String range = "from=" + LocalDate.now(ZoneOffset.UTC).minusDays(days) + "&to="
                + LocalDate.now(ZoneOffset.UTC).plusDays(1);
        say("  stats (analyst)   GET  " + apps.statsUrl() + "/v1/stats/series?granularity=day&" + range
                + "&groupBy=model   (Authorization: Bearer " + LedgerApps.ANALYST_TOKEN + ")");
        say("                    GET  " + apps.statsUrl() + "/v1/stats/top?dimension=apiKeyId&" + range + "   "
                + apps.statsUrl() + "/v1/ledger?" + range + "   (format=csv for CSV)");
        say("  relay-api         " + apps.relayUrl() + "/actuator/health   " + apps.relayUrl() + "/actuator/prometheus");
        say("  usage-consumer    " + apps.consumerUrl() + "/actuator/health   " + apps.consumerUrl() + "/actuator/prometheus");
        say("  stats-api         " + apps.statsUrl() + "/actuator/health   " + apps.statsUrl() + "/actuator/prometheus");
        say("  MySQL (MariaDB)   " + stack.jdbcUrl() + "  user root, no password");
        say("  Kafka             " + stack.bootstrapServers() + "  topic usage-events, dead letters usage-events.DLT");
        say("  Redis             " + stack.redisUri());
        say("  logs              " + base);
        say(String.format("  memory (RSS)      relay-api %d MB, usage-consumer %d MB, Kafka broker %d MB",
                apps.relayApi().rssBytes() >> 20, apps.consumer().rssBytes() >> 20,
                stack.kafka().process().rssBytes() >> 20));
        say(String.format("  peak memory       relay-api %d MB, usage-consumer %d MB, Kafka broker %d MB",
                apps.relayApi().peakRssBytes() >> 20, apps.consumer().peakRssBytes() >> 20,
                stack.kafka().process().peakRssBytes() >> 20));
        if (exitWhenDone) {
            return 0;
        }
        say("");
        say("Running. Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }

    /** Earlier runs' data (about 150 MB each, mostly InnoDB logs) whose demo process has ended. */
    private static void removeFinishedRuns(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var runs = Files.list(root)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().matches("run-\\d+")).toList()) {
                long pid = Long.parseLong(run.getFileName().toString().substring(4));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try (var tree = Files.walk(run)) {
                    tree.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void awaitProjected(Connection c, int requests, int adjustments) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        // Lines while waiting only: the line printed after the wait sums it up (most may be stored already).
        long before = count(c, "SELECT COUNT(*) FROM usage_records");
        Progress progress = Progress.onStdout("projecting (requests stored while waiting)", requests - before);
        while (System.nanoTime() < deadline) {
            long stored = count(c, "SELECT COUNT(*) FROM usage_records");
            progress.reached(stored - before);
            if (stored >= requests && count(c, "SELECT COUNT(*) FROM cost_adjustments") >= adjustments) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("usage-consumer did not project everything within 5 minutes");
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void printTotals(Connection c) throws SQLException {
        say("");
        say("Per model and day (usage_stats + cost_stats, granularity 'day', UTC):");
        table(c, """
                SELECT DATE_FORMAT(u.bucket_start, '%Y-%m-%d') AS day, u.model, SUM(u.requests) AS requests,
                       SUM(u.input_tokens) AS input, SUM(u.output_tokens) AS output,
                       SUM(u.cache_create_tokens) AS cache_create, SUM(u.cache_read_tokens) AS cache_read,
                       SUM(c.real_cost_usd) AS real_usd, SUM(c.rated_cost_usd) AS rated_usd
                FROM usage_stats u JOIN cost_stats c USING (granularity, bucket_start, api_key_id, model)
                WHERE u.granularity = 'day'
                GROUP BY day, u.model ORDER BY day, u.model""");
        say("");
        say("Per API key and day, top 15 by rated cost (cost_stats includes adjustments):");
        table(c, """
                SELECT DATE_FORMAT(c.bucket_start, '%Y-%m-%d') AS day, c.api_key_id,
                       COALESCE(SUM(u.requests), 0) AS requests,
                       COALESCE(SUM(u.input_tokens + u.output_tokens + u.cache_create_tokens + u.cache_read_tokens), 0) AS all_tokens,
                       SUM(c.real_cost_usd) AS real_usd, SUM(c.rated_cost_usd) AS rated_usd
                FROM cost_stats c LEFT JOIN usage_stats u USING (granularity, bucket_start, api_key_id, model)
                WHERE c.granularity = 'day'
                GROUP BY day, c.api_key_id ORDER BY rated_usd DESC LIMIT 15""");
        say("");
        say("Ledger: " + count(c, "SELECT COUNT(*) FROM usage_records") + " requests, "
                + count(c, "SELECT COUNT(*) FROM cost_adjustments") + " adjustments; resends counted once.");
    }

    private static void table(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            StringBuilder header = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                header.append(String.format(i <= 2 ? "%-28s" : "%16s", rs.getMetaData().getColumnLabel(i)));
            }
            say(header.toString());
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(String.format(i <= 2 ? "%-28s" : "%16s", rs.getString(i)));
                }
                say(row.toString());
            }
        }
    }

    private static long elapsedMs(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
