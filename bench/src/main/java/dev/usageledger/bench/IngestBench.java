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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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

    /**
     * @param http              every measured pass, in the order run
     * @param defaultBatch100s  this build's batch-100 passes, one per round
     * @param variantBatch100   per variant label, its batch-100 passes (one per round), side by side with
     *                          {@code defaultBatch100s}
     */
    record Result(Measurement raw, List<Measurement> http, List<Measurement> defaultBatch100s,
            Map<String, List<Measurement>> variantBatch100, long rejected, long relayPeakRssBytes) {

        /** The first batch-100 pass of this build's relay-api (the target's ratio), or {@code null}. */
        Measurement defaultBatch100() {
            return defaultBatch100s.isEmpty() ? null : defaultBatch100s.get(0);
        }
    }

    private IngestBench() {}

    /**
     * P2 with this build's relay-api and, side by side, each of {@code variants} (another jar, other arguments or JVM
     * options): {@code rounds} rounds, each running this build and every variant in turn (odd rounds in that order,
     * even rounds in the reverse order), each a fresh relay-api
     * process on a topic of its own with its own warm-up; the raw producer is measured once, before. With a
     * {@code brokerPid} (the embedded broker's; {@code -1}: external), each pass also states the CPU time the broker,
     * relay-api and this JVM (the load client, or the raw producer) spent per event during it.
     */
    static Result run(String bootstrapServers, BenchEvents generated, List<Integer> batches, int warmup, String runId,
            Path logs, Path jfrDir, List<ConsumerVariant> variants, int rounds, long brokerPid) throws Exception {
        EventCodec codec = new EventCodec();
        List<UsageRecorded> events = generated.cursor().next((int) generated.count());
        // Both sides warmed up first (JIT, connections, metadata): the first, untimed pass of the raw
        // producer and a pass of batch-100 requests through relay-api are not measured.
        rawProducer(bootstrapServers, "bench-ingest-warmup-" + runId, codec, events, brokerPid);
        // A pass of 20,000 events lasts a fraction of a second: the median of RAW_PASSES, so that one pass that met
        // another process's burst does not make the ratio.
        List<Measurement> raws = new ArrayList<>();
        for (int pass = 0; pass < RAW_PASSES; pass++) {
            raws.add(rawProducer(bootstrapServers, "bench-ingest-raw-" + pass + "-" + runId, codec, events, brokerPid));
        }
        raws.sort(java.util.Comparator.comparingDouble(Measurement::eventsPerSecond));
        Measurement raw = raws.get(RAW_PASSES / 2);

        List<ConsumerVariant> relays = new ArrayList<>();
        relays.add(null);
        relays.addAll(variants);
        List<Measurement> http = new ArrayList<>();
        List<Measurement> defaults = new ArrayList<>();
        Map<String, List<Measurement>> byVariant = new LinkedHashMap<>();
        variants.forEach(v -> byVariant.put(v.label(), new ArrayList<>()));
        AtomicLong rejected = new AtomicLong();
        long peakRss = 0;
        for (int round = 1; round <= rounds; round++) {
            // A B, then B A: the broker warms up during the invocation (its CPU per event falls from pass to pass),
            // so a fixed order would favour whoever runs last.
            List<ConsumerVariant> order = new ArrayList<>(relays);
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            for (ConsumerVariant v : order) {
                String name = (v == null ? "" : v.label() + "-") + (rounds > 1 ? "r" + round + "-" : "");
                String topic = "bench-ingest-http-" + name + runId;
                EventLoader.createTopics(bootstrapServers, topic);
                int port = Ports.freePort();
                JavaProcess relay = startRelay(bootstrapServers, topic, port, logs, jfrDir, v);
                try {
                    // HTTP/1.1 as relays speak it (the default, HTTP/2, offers an h2c upgrade on every new connection)
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(2)).build();
                    String base = "http://127.0.0.1:" + port;
                    awaitReady(relay, client, base);
                    String label = (v == null ? "" : " " + v.label()) + (rounds > 1 ? " (round " + round + ")" : "");
                    List<Measurement> measured = measure(codec, events, batches, warmup, client, base, rejected, label,
                            v == null ? "" : "; " + v.describe(), new CpuTime(relay.pid(), brokerPid));
                    http.addAll(measured);
                    for (Measurement m : measured) {
                        if (m.writer().endsWith(", batch 100")) {
                            (v == null ? defaults : byVariant.get(v.label())).add(m);
                        }
                    }
                    if (v == null) {
                        peakRss = Math.max(peakRss, relay.peakRssBytes());
                    }
                } finally {
                    relay.stop(Duration.ofSeconds(15));
                }
            }
        }
        return new Result(raw, http, defaults, byVariant, rejected.get(), peakRss);
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

    private static List<Measurement> measure(EventCodec codec, List<UsageRecorded> events, List<Integer> batches,
            int warmup, HttpClient http, String base, AtomicLong rejected, String label, String how, CpuTime cpu)
            throws Exception {
        List<Measurement> measured = new ArrayList<>();
        List<byte[]> all = bodies(codec.mapper(), codec, events, 100);
        List<byte[]> warm = new ArrayList<>();
        for (int i = 0; i < (warmup + 99) / 100; i++) {
            warm.add(all.get(i % all.size()));
        }
        post(http, base, warm, rejected);
        for (int batch : batches) {
            int n = batch == 1 ? Math.max(1, events.size() / 10) : events.size();
            List<byte[]> bodies = bodies(codec.mapper(), codec, events.subList(0, n), batch);
            CpuTime.Mark before = cpu.mark();
            long t0 = System.nanoTime();
            post(http, base, bodies, rejected);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            measured.add(new Measurement("P2", "live", "relay-api HTTP" + label + ", batch " + batch, n, elapsed,
                    CLIENTS + " clients, 202 after the Kafka commit" + how + cpu.since(before, n, "relay-api", "client")));
        }
        return measured;
    }

    private static Measurement rawProducer(String bootstrapServers, String topic, EventCodec codec,
            List<UsageRecorded> events, long brokerPid) throws Exception {
        EventLoader.createTopics(bootstrapServers, topic);
        List<byte[]> values = events.stream().map(codec::encode).toList();
        Properties p = EventLoader.producerProperties(bootstrapServers);
        long t0;
        CpuTime cpu = new CpuTime(-1, brokerPid);
        CpuTime.Mark before;
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            // Before timing: metadata, the producer id, and a leader answering on every partition (right after the
            // topic's creation a send can meet NOT_LEADER_OR_FOLLOWER and retry for minutes: item 19's c6).
            int partitions = producer.partitionsFor(topic).size();
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, "warm-up", new byte[0])).get(60, TimeUnit.SECONDS);
            }
            before = cpu.mark();
            t0 = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, events.get(i).apiKeyId(), values.get(i)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            // A pass whose sends failed would be counted as if they had been written.
            throw new IllegalStateException("P2 raw producer: a send to " + topic + " failed", failed.get());
        }
        return new Measurement("P2", "live", "raw producer", events.size(), Duration.ofNanos(System.nanoTime() - t0),
                "acks=all, idempotent, lz4, linger 10 ms, same serialized events, median of " + RAW_PASSES
                        + " passes" + cpu.since(before, events.size(), null, "producer"));
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

    /**
     * CPU time (user + system, from {@code /proc} through {@link ProcessHandle.Info#totalCpuDuration}) of the app
     * under test ({@code appPid}, or none: {@code -1}), the broker ({@code -1}: not ours to see) and this JVM, so that a
     * pass can say what each spent per event — a figure that, unlike a rate, does not depend on what else shares the
     * machine (much).
     */
    record CpuTime(long appPid, long brokerPid) {

        record Mark(long app, long broker, long self) {}

        Mark mark() {
            return new Mark(nanos(appPid), nanos(brokerPid), nanos(ProcessHandle.current().pid()));
        }

        /** {@code "; CPU µs/event: relay-api 41, broker 25, client 8"}, or {@code ""} when nothing could be read. */
        String since(Mark before, long events, String app, String self) {
            Mark now = mark();
            StringBuilder out = new StringBuilder();
            append(out, app, before.app(), now.app(), events);
            append(out, "broker", before.broker(), now.broker(), events);
            append(out, self, before.self(), now.self(), events);
            return out.isEmpty() ? "" : "; CPU µs/event: " + out;
        }

        private static void append(StringBuilder out, String name, long before, long after, long events) {
            if (name == null || before < 0 || after < 0 || events <= 0) {
                return;
            }
            out.append(out.isEmpty() ? "" : ", ").append(name).append(' ')
                    .append(Math.round((after - before) / 1_000.0 / events));
        }

        private static long nanos(long pid) {
            if (pid < 0) {
                return -1;
            }
            return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
        }
    }
}
