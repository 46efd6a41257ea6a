package dev.usageledger.bench;

import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
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
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * P2: relay-api's batch ingest over HTTP (its own process, {@value #CLIENTS} concurrent clients)
 * against a plain producer sending the same serialized events to the same broker.
 */
final class IngestBench {

    static final int CLIENTS = 8;
    /** Passes of the raw producer; the median one is reported. */
    static final int RAW_PASSES = 3;
    /** Events posted (at batch 100) before the measured passes. */
    static final int WARMUP = 5_000;
    private static final String RELAY = "bench-relay";
    private static final String TOKEN = "bench-relay-token-0123456789abcdef";
    /** Fields of the event on the topic that a relay does not send (relay-api adds them). */
    private static final List<String> NOT_INPUT = List.of("type", "schemaVersion", "cost", "relayId", "receivedAt",
            "reportedModel");

    record Result(Measurement raw, List<Measurement> http, long rejected, long relayPeakRssBytes) {}

    private IngestBench() {}

    static Result run(String bootstrapServers, BenchEvents generated, List<Integer> batches, int warmup, String runId,
            Path logs, Path jfrDir) throws Exception {
        EventCodec codec = new EventCodec();
        List<UsageRecorded> events = generated.cursor().next((int) generated.count());
        // Both sides warmed up first (JIT, connections, metadata): the first, untimed pass of the raw
        // producer and a pass of batch-100 requests through relay-api are not measured.
        rawProducer(bootstrapServers, "bench-ingest-warmup-" + runId, codec, events);
        // A pass of 20,000 events lasts a fraction of a second: the median of RAW_PASSES, so that one pass that met
        // another process's burst does not make the ratio.
        List<Measurement> raws = new ArrayList<>();
        for (int pass = 0; pass < RAW_PASSES; pass++) {
            raws.add(rawProducer(bootstrapServers, "bench-ingest-raw-" + pass + "-" + runId, codec, events));
        }
        raws.sort(java.util.Comparator.comparingDouble(Measurement::eventsPerSecond));
        Measurement raw = raws.get(RAW_PASSES / 2);

        String topic = "bench-ingest-http-" + runId;
        EventLoader.createTopics(bootstrapServers, topic);
        int port = Ports.freePort();
        JavaProcess relay = startRelay(bootstrapServers, topic, port, logs, jfrDir);
        try {
            // HTTP/1.1 as relays speak it (the default, HTTP/2, offers an h2c upgrade on every new connection)
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + port;
            awaitReady(relay, http, base);
            return measure(codec, events, batches, warmup, raw, relay, http, base);
        } finally {
            relay.stop(Duration.ofSeconds(15));
        }
    }

    /** Starts relay-api on {@code topic}; with a {@code jfrDir}, recorded by JFR ({@code settings=profile}) into it. */
    static JavaProcess startRelay(String bootstrapServers, String topic, int port, Path logs, Path jfrDir)
            throws IOException {
        List<String> jvmArgs = new ArrayList<>(AppJvmArgs.RELAY_API);
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            jvmArgs.add("-XX:StartFlightRecording=settings=profile,filename="
                    + jfrDir.resolve("relay-api-" + topic + ".jfr").toAbsolutePath());
        }
        return JavaProcess.builder("relay-api")
                .jar(RepoLayout.find().require("relay-api/target/relay-api-exec.jar"))
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .env("LEDGER_SECURITY_RELAYTOKENS", RELAY + ":" + TOKEN)
                .args("--server.port=" + port, "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "--ledger.kafka.topic=" + topic, "--ledger.kafka.dead-letter-topic=" + topic + ".DLT")
                .logFile(logs.resolve("relay-api-" + topic + ".log"))
                .start();
    }

    private static Result measure(EventCodec codec, List<UsageRecorded> events, List<Integer> batches, int warmup,
            Measurement raw, JavaProcess relay, HttpClient http, String base) throws Exception {
        {
            List<Measurement> measured = new ArrayList<>();
            AtomicLong rejected = new AtomicLong();
            List<byte[]> all = bodies(codec.mapper(), codec, events, 100);
            List<byte[]> warm = new ArrayList<>();
            for (int i = 0; i < (warmup + 99) / 100; i++) {
                warm.add(all.get(i % all.size()));
            }
            post(http, base, warm, rejected);
            for (int batch : batches) {
                int n = batch == 1 ? Math.max(1, events.size() / 10) : events.size();
                List<byte[]> bodies = bodies(codec.mapper(), codec, events.subList(0, n), batch);
                long t0 = System.nanoTime();
                post(http, base, bodies, rejected);
                measured.add(new Measurement("P2", "live", "relay-api HTTP, batch " + batch, n,
                        Duration.ofNanos(System.nanoTime() - t0), CLIENTS + " clients, 202 after the Kafka commit"));
            }
            return new Result(raw, measured, rejected.get(), relay.peakRssBytes());
        }
    }

    private static Measurement rawProducer(String bootstrapServers, String topic, EventCodec codec,
            List<UsageRecorded> events) throws Exception {
        EventLoader.createTopics(bootstrapServers, topic);
        List<byte[]> values = events.stream().map(codec::encode).toList();
        Properties p = EventLoader.producerProperties(bootstrapServers);
        long t0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.partitionsFor(topic); // metadata fetched before timing
            t0 = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, events.get(i).apiKeyId(), values.get(i)));
            }
            producer.flush();
        }
        return new Measurement("P2", "live", "raw producer", events.size(), Duration.ofNanos(System.nanoTime() - t0),
                "acks=all, idempotent, lz4, linger 10 ms, same serialized events, median of " + RAW_PASSES
                        + " passes");
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

    static void post(HttpClient http, String base, List<byte[]> bodies, AtomicLong rejected)
            throws Exception {
        Workers.share(bodies.size(), CLIENTS, i -> {
            HttpResponse<String> response = http.send(request(base, bodies.get((int) i)),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202 && rejected.getAndIncrement() == 0) {
                System.err.println("relay-api answered " + response.statusCode() + ": " + response.body());
            }
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
