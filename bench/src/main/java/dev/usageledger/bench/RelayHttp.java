package dev.usageledger.bench;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Progress;
import dev.usageledger.stack.RepoLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * relay-api as the HTTP scenarios (P2, P4, admission) drive it: the process, started from its executable jar with a
 * relay token, its readiness, and batches of events posted by {@value #CLIENTS} concurrent clients over HTTP/1.1.
 */
final class RelayHttp {

    static final int CLIENTS = 8;
    private static final String RELAY = "bench-relay";
    static final String TOKEN = "bench-relay-token-0123456789abcdef";
    /** Fields of the event on the topic that a relay does not send (relay-api adds them). */
    private static final List<String> NOT_INPUT = List.of("type", "schemaVersion", "cost", "relayId", "receivedAt",
            "reportedModel");

    private RelayHttp() {}

    /** HTTP/1.1 as relays speak it (the JDK's default, HTTP/2, offers an h2c upgrade on every new connection). */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    /** Starts relay-api on {@code topic}; with a {@code jfrDir}, recorded by JFR ({@code settings=profile}) into it. */
    static JavaProcess startRelay(String bootstrapServers, String topic, int port, Path logs, Path jfrDir)
            throws IOException {
        return startRelay(bootstrapServers, topic, port, logs, jfrDir, null);
    }

    /** As above, run as {@code variant} says (its jar, JVM options and arguments) when not {@code null}. */
    static JavaProcess startRelay(String bootstrapServers, String topic, int port, Path logs, Path jfrDir,
            ConsumerVariant variant) throws IOException {
        List<String> jvmArgs = new ArrayList<>(AppJvmArgs.RELAY_API);
        List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrapServers, "--ledger.kafka.topic=" + topic,
                "--ledger.kafka.dead-letter-topic=" + topic + ".DLT"));
        if (variant != null) {
            jvmArgs.addAll(variant.jvmArgs());
            args.addAll(variant.args());
        }
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            jvmArgs.add("-XX:StartFlightRecording=settings=profile,filename="
                    + jfrDir.resolve("relay-api-" + topic + ".jfr").toAbsolutePath());
        }
        return JavaProcess.builder("relay-api")
                .jar(variant != null && variant.jar() != null ? variant.jar()
                        : RepoLayout.find().require("relay-api/target/relay-api-exec.jar"))
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .env("LEDGER_SECURITY_RELAYTOKENS", RELAY + ":" + TOKEN)
                .args(args.toArray(String[]::new))
                .logFile(logs.resolve("relay-api-" + topic + ".log"))
                .start();
    }

    static List<byte[]> bodies(JsonMapper mapper, EventCodec codec, List<UsageRecorded> events, int batch) {
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < events.size(); from += batch) {
            ObjectNode body = mapper.createObjectNode();
            ArrayNode array = body.putArray("events");
            for (UsageRecorded u : events.subList(from, Math.min(events.size(), from + batch))) {
                ObjectNode e = codec.toJson(u);
                NOT_INPUT.forEach(e::remove);
                e.put("model", u.reportedModel());
                array.add(e);
            }
            bodies.add(mapper.writeValueAsBytes(body));
        }
        return bodies;
    }

    /**
     * Posts {@code bodies} closed-loop ({@value #CLIENTS} clients), counting the answers other than 202 in
     * {@code rejected}; {@code progress} counts the events posted, {@code batch} a body, the last one the rest.
     */
    static void post(HttpClient http, String base, List<byte[]> bodies, int batch, long events, AtomicLong rejected,
            Progress progress) throws Exception {
        Workers.share(bodies.size(), CLIENTS, i -> {
            HttpResponse<String> response = http.send(request(base, bodies.get((int) i)),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202 && rejected.getAndIncrement() == 0) {
                System.err.println("relay-api answered " + response.statusCode() + ": " + response.body());
            }
            progress.advance(Math.min(batch, events - i * batch));
        });
    }

    static HttpRequest request(String base, byte[] body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/usage-events"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    static void awaitReady(JavaProcess relay, HttpClient http, String base)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!relay.isAlive()) {
                throw new IllegalStateException("relay-api exited during start-up:\n" + relay.logTail(60));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("relay-api not ready after 120 s:\n" + relay.logTail(60));
    }
}
