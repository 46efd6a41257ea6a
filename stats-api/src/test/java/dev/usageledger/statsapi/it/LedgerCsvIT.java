package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's CSV (CONTRACT §5: the whole range, in constant memory) from the packaged stats-api, started as its own
 * process with a 64 MB heap ({@code -XX:+ExitOnOutOfMemoryError}: a CSV held in memory would end the process), over
 * 200,000 ledger rows; and a stream that fails midway must reach the client as a failure, never as a shorter file
 * that looks complete.
 */
class LedgerCsvIT {

    private static final int ROWS = 200_000;
    private static final String TOKEN = "csv-analyst-token-0123456789";
    private static final Instant FROM = Instant.parse("2026-05-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-06-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestDatabase database;
    private static JavaProcess statsApi;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        database = TestStack.migratedDatabase("ledger_csv_it");
        LedgerSeed seed = new LedgerSeed(database.dataSource(), ZoneOffset.UTC, TO);
        long spacing = Duration.between(FROM, TO).toMillis() / ROWS;
        List<UsageRecorded> batch = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            batch.add(Events.usage("csv_" + i).at(FROM.plusMillis(i * spacing)).key("key_" + (i % 50))
                    .account(i % 3 == 0 ? null : "acc_" + (i % 7)).tokens(i % 1000, i % 97).build());
            if (batch.size() == 10_000) {
                seed.project(batch);
                batch.clear();
            }
        }
        port = Ports.freePort();
        Path jar = Path.of("target", "stats-api-exec.jar").toAbsolutePath();
        statsApi = JavaProcess.builder("stats-api-64m").jar(jar).jvmArgs("-Xmx64m")
                .args("--server.port=" + port, "--spring.datasource.url=" + database.jdbcUrl(),
                        "--ledger.security.analyst-tokens=csv:" + TOKEN)
                .logFile(TestStack.newDataDir("stats-api-csv-").resolve("stats-api.log"))
                .start();
        statsApi.waitForPort(port, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (statsApi != null) {
            statsApi.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void theCsvOf200000RowsStreamsThroughA64MbHeap() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(csvRequest(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        String previous = null;
        try (BufferedReader lines = reader(response)) {
            assertThat(lines.readLine()).startsWith("requestId,occurredAt,apiKeyId,");
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] fields = line.split(",", -1);
                assertThat(ids.add(fields[0])).as("once: %s", fields[0]).isTrue();
                String position = fields[1] + " " + fields[0];
                assertThat(previous == null || previous.compareTo(position) < 0).as("order at %s", line).isTrue();
                previous = position;
            }
        }
        assertThat(ids).hasSize(ROWS);
        assertThat(statsApi.isAlive()).as("stats-api survived with -Xmx64m").isTrue();
    }

    @Test
    void aStreamThatFailsMidwayEndsTheResponseAsAFailure() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(csvRequest(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader lines = reader(response)) {
            assertThat(lines.readLine()).startsWith("requestId,");
            // the client stops reading, so the server blocks writing and its query is still streaming: end it there
            killStreamingQuery();
            assertThatThrownBy(() -> {
                int read = 0;
                while (lines.readLine() != null) {
                    read++;
                }
                throw new AssertionError("the body ended cleanly after " + read + " more lines of " + ROWS);
            }).isInstanceOf(IOException.class);
        }
        assertThat(statsApi.isAlive()).isTrue();
    }

    private static HttpRequest csvRequest() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/ledger?format=csv&from=" + FROM
                + "&to=" + TO)).header("Authorization", "Bearer " + TOKEN).build();
    }

    private static BufferedReader reader(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** Kills the server connection that streams the ledger, once it shows up in the process list. */
    private static void killStreamingQuery() throws SQLException, InterruptedException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            for (int attempt = 0; attempt < 100; attempt++) {
                try (ResultSet rs = s.executeQuery("SELECT id FROM information_schema.processlist"
                        + " WHERE info LIKE '%FROM usage_records%' AND id <> CONNECTION_ID()")) {
                    if (rs.next()) {
                        s.execute("KILL " + rs.getLong(1));
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no streaming ledger query found in the process list");
    }
}
