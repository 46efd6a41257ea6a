package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.Progress;
import java.net.http.HttpClient;
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

/**
 * P2: relay-api's batch ingest over HTTP (its own process, {@value RelayHttp#CLIENTS} concurrent clients)
 * against a plain producer sending the same serialized events to the same broker.
 */
final class IngestBench {

    /** Passes of the raw producer; the median one is reported. */
    static final int RAW_PASSES = 3;
    /** Events posted (at batch 100) before the measured passes. */
    static final int WARMUP = 5_000;

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

        /** The passes, the target's ratio (batch 100 to the raw producer) and each variant's, round by round. */
        Findings findings() {
            Findings f = new Findings();
            f.add(raw);
            http.forEach(f::add);
            f.check("P2: relay-api accepted every batch (202)", rejected == 0, rejected + " batches not accepted");
            if (defaultBatch100() == null) {
                return f;
            }
            f.ratio("P2 HTTP batch 100 / raw producer", defaultBatch100().eventsPerSecond() / raw.eventsPerSecond(),
                    0.3, "x");
            variantBatch100.forEach((label, runs) -> {
                for (int i = 0; i < runs.size(); i++) {
                    String round = runs.size() > 1 ? " (round " + (i + 1) + ")" : "";
                    f.figure("P2 HTTP batch 100, " + label + " / raw producer" + round,
                            runs.get(i).eventsPerSecond() / raw.eventsPerSecond(), Double.NaN, "x");
                    f.figure("P2 HTTP batch 100, " + label + " / this build" + round,
                            runs.get(i).eventsPerSecond() / defaultBatch100s.get(i).eventsPerSecond(), Double.NaN,
                            "x");
                }
            });
            return f;
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
    static Result run(BenchContext ctx, UsageTraffic generated, List<Integer> batches, int warmup,
            List<ConsumerVariant> variants, int rounds) throws Exception {
        String bootstrapServers = ctx.bootstrapServers();
        String runId = ctx.runId();
        long brokerPid = ctx.brokerPid();
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
                JavaProcess relay = RelayHttp.startRelay(bootstrapServers, topic, port, ctx.logs(), ctx.jfr(), v);
                try {
                    HttpClient client = RelayHttp.client();
                    String base = "http://127.0.0.1:" + port;
                    RelayHttp.awaitReady(relay, client, base);
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

    private static List<Measurement> measure(EventCodec codec, List<UsageRecorded> events, List<Integer> batches,
            int warmup, HttpClient http, String base, AtomicLong rejected, String label, String how, CpuTime cpu)
            throws Exception {
        List<Measurement> measured = new ArrayList<>();
        List<byte[]> all = RelayHttp.bodies(codec.mapper(), codec, events, 100);
        List<byte[]> warm = new ArrayList<>();
        for (int i = 0; i < (warmup + 99) / 100; i++) {
            warm.add(all.get(i % all.size()));
        }
        try (Progress progress = Progress.onStderr("P2 relay-api" + label + " warm-up", warm.size() * 100L)) {
            RelayHttp.post(http, base, warm, 100, warm.size() * 100L, rejected, progress);
        }
        for (int batch : batches) {
            int n = batch == 1 ? Math.max(1, events.size() / 10) : events.size();
            List<byte[]> bodies = RelayHttp.bodies(codec.mapper(), codec, events.subList(0, n), batch);
            String writer = "relay-api HTTP" + label + ", batch " + batch;
            CpuTime.Mark before = cpu.mark();
            long t0 = System.nanoTime();
            try (Progress progress = Progress.onStderr("P2 " + writer, n)) {
                RelayHttp.post(http, base, bodies, batch, n, rejected, progress);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            measured.add(new Measurement("P2", "live", writer, n, elapsed, RelayHttp.CLIENTS
                    + " clients, 202 after the Kafka commit" + how + cpu.since(before, n, "relay-api", "client")));
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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
                Progress progress = Progress.onStderr("P2 raw producer, " + topic, values.size())) {
            // Before timing: metadata, the producer id, and a leader answering on every partition (right after the
            // topic's creation a send can meet NOT_LEADER_OR_FOLLOWER and retry for minutes).
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
                    progress.advance(1);
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

}
