package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.Progress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleFunction;

/**
 * One P4 run: relay-api and usage-consumer both running; batches of {@value #BATCH} events are
 * posted at a fixed rate (open loop: on schedule, whatever the answers' latency); for each batch,
 * the time from relay-api's 202 to the moment all its events are in {@code usage_records}, which
 * the consumer writes in the same transaction as {@code usage_stats} (visible in one means visible
 * in the other). Visibility is polled every 10 ms on one connection by a thread of its own ({@link VisibilityPoller}), oldest
 * pending batch first, stopping at the first batch not yet visible: a batch that becomes visible before an older
 * one is measured when the older one is seen (later than it was, never earlier), and a poll costs one query per
 * newly visible batch plus one. Each load's first {@code warmup} of schedule (default 15 s) is not measured (cold JVMs at the first); the
 * measured phase starts once the consumer has caught up with them (at most 120 s later), so that it measures
 * freshness at the offered rate, not the draining of a backlog.
 *
 * <p>Before the loads, when asked, the same two processes measure the pipeline's end-to-end capacity on this
 * machine: {@value RelayHttp#CLIENTS} clients post batches of {@value #BATCH} as fast as relay-api answers
 * (closed loop), and the capacity is the events posted divided by the time from the first post to the consumer
 * having stored every one of them — ingest, broker, consumer and MariaDB sharing the machine, as they do under
 * the loads. The loads are then chosen from it ({@code loads}), in the same invocation.
 */
final class FreshnessRun {

    static final int BATCH = 100;
    private static final long POLL_MS = 10;
    /** Longest wait, after the warm-up, for the consumer to catch up before the measured phase starts anyway. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);
    /** Events posted closed-loop, untimed, before the capacity is measured (both JVMs start cold). */
    static final int CAPACITY_WARMUP = 20_000;

    /** An offered load: what it is half of, and its rate in events/s. */
    record Load(String label, double rate) {}

    record Result(Measurement capacity, List<Phase> phases) {

        /** The end-to-end capacity in events/s, or NaN when it was not measured. */
        double capacityRate() {
            return capacity == null ? Double.NaN : capacity.eventsPerSecond();
        }
    }

    record Phase(Measurement measurement, Load load, long batches, long p50Ms, long p99Ms, long maxMs, long rejected,
            long notVisible) {}

    private FreshnessRun() {}

    /**
     * Runs relay-api and usage-consumer on a topic and database of their own; measures the end-to-end capacity
     * first when {@code capacityEvents > 0}, then freshness at each of {@code loads} (given the capacity, NaN when
     * not measured). {@code generated} must hold enough events for every phase.
     */
    static Result run(BenchContext ctx, UsageTraffic generated, int capacityEvents, DoubleFunction<List<Load>> loads,
            Duration warmup, Duration duration, int maxPollRecords, ConsumerVariant variant) throws Exception {
        Databases dbs = ctx.dbs();
        String bootstrapServers = ctx.bootstrapServers();
        String suffix = variant == null ? "" : "-" + variant.label();
        String topic = "bench-fresh-" + ctx.runId() + suffix;
        String db = "bench_freshness" + suffix.replaceAll("[^A-Za-z0-9_]", "_");
        String group = "bench-" + topic;
        EventLoader.createTopics(bootstrapServers, topic);
        dbs.recreate(db);
        EventCodec codec = new EventCodec();
        UsageTraffic.Cursor cursor = generated.cursor();
        JavaProcess consumer = ConsumerRun.start(dbs, db, bootstrapServers, topic, group, ctx.logs(), maxPollRecords,
                ctx.jfr(), variant);
        int port = Ports.freePort();
        JavaProcess relay = RelayHttp.startRelay(bootstrapServers, topic, port, ctx.logs(), ctx.jfr(), null);
        try {
            HttpClient http = RelayHttp.client();
            String base = "http://127.0.0.1:" + port;
            RelayHttp.awaitReady(relay, http, base);
            Backlog.awaitClaimed(dbs, db, group, topic, consumer);
            Measurement capacity = null;
            if (capacityEvents > 0) {
                try (Backlog backlog = new Backlog(dbs, db, group, topic, bootstrapServers, consumer)) {
                    capacity = capacity(codec, cursor, capacityEvents, http, base, backlog, variant);
                }
            }
            List<Phase> phases = new ArrayList<>();
            for (Load load : loads.apply(capacity == null ? Double.NaN : capacity.eventsPerSecond())) {
                phases.add(load(codec, cursor, load, warmup, duration, http, base, dbs, db, group, topic, bootstrapServers,
                        variant));
            }
            return new Result(capacity, phases);
        } finally {
            relay.stop(Duration.ofSeconds(15));
            consumer.stop(Duration.ofSeconds(15));
        }
    }

    /** Events one load needs: its warm-up and measured schedule, whole batches. */
    static long eventsFor(double rate, Duration warmup, Duration duration) {
        long n = (long) (rate * (duration.toMillis() + warmup.toMillis()) / 1000);
        return Math.max(BATCH, n - n % BATCH);
    }

    /**
     * Posts {@code events} (at most {@value #CAPACITY_WARMUP}) closed-loop and waits until they are projected (untimed), then
     * {@code events} more, timed from the first post until the consumer has stored them all.
     */
    private static Measurement capacity(EventCodec codec, UsageTraffic.Cursor cursor, int events, HttpClient http,
            String base, Backlog backlog, ConsumerVariant variant) throws Exception {
        AtomicLong rejected = new AtomicLong();
        String name = "P4 end-to-end capacity" + (variant == null ? "" : ", " + variant.label());
        int warm = Math.min(events, CAPACITY_WARMUP);
        try (Progress progress = Progress.onStderr(name + ", warm-up posts", warm)) {
            RelayHttp.post(http, base, RelayHttp.bodies(codec.mapper(), codec, cursor.next(warm), BATCH), BATCH, warm,
                    rejected, progress);
        }
        requireAccepted(rejected, "warm-up");
        if (!backlog.awaitDrained(DRAIN_LIMIT)) {
            throw new IllegalStateException("P4 capacity: usage-consumer did not catch up with the warm-up within "
                    + DRAIN_LIMIT);
        }
        List<byte[]> bodies = RelayHttp.bodies(codec.mapper(), codec, take(cursor, events), BATCH);
        long t0 = System.nanoTime();
        try (Progress progress = Progress.onStderr(name + ", posts", events)) {
            RelayHttp.post(http, base, bodies, BATCH, events, rejected, progress);
        }
        long posted = System.nanoTime();
        // A rejected batch can end a partition with an aborted transaction, which the drain below would wait out.
        requireAccepted(rejected, "timed run");
        if (!backlog.awaitDrained(DRAIN_LIMIT)) {
            throw new IllegalStateException("P4 capacity: usage-consumer did not catch up within " + DRAIN_LIMIT);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        return new Measurement("P4", "live", "end-to-end capacity, batch " + BATCH
                + (variant == null ? "" : ", " + variant.label()), events, elapsed,
                String.format(java.util.Locale.ROOT, "%d clients closed-loop, HTTP 202 to stored in MySQL; posting "
                        + "took %.1f s of it", RelayHttp.CLIENTS, (posted - t0) / 1e9)
                        + (variant == null ? "" : "; " + variant.describe()));
    }

    private static void requireAccepted(AtomicLong rejected, String phase) {
        if (rejected.get() > 0) {
            throw new IllegalStateException("P4 capacity: relay-api did not accept " + rejected.get() + " batches ("
                    + phase + ")");
        }
    }

    /** The next {@code n} events; fails rather than run a phase shorter than asked. */
    private static List<UsageRecorded> take(UsageTraffic.Cursor cursor, long n) {
        List<UsageRecorded> events = cursor.next((int) n);
        if (events.size() < n) {
            throw new IllegalStateException("P4: " + n + " events needed, " + events.size() + " left in the generated "
                    + "stream (a load above the bench's bound of 100,000 events/s?)");
        }
        return events;
    }

    /** Freshness at one offered load: warm-up schedule, drain, measured schedule, drain. */
    private static Phase load(EventCodec codec, UsageTraffic.Cursor cursor, Load load, Duration warmup, Duration duration,
            HttpClient http, String base, Databases dbs, String db, String group, String topic,
            String bootstrapServers, ConsumerVariant variant) throws Exception {
        double rate = load.rate();
        long total = eventsFor(rate, warmup, duration);
        List<UsageRecorded> events = take(cursor, total);
        List<byte[]> bodies = RelayHttp.bodies(codec.mapper(), codec, events, BATCH);
        ExecutorService clients = Executors.newFixedThreadPool(RelayHttp.CLIENTS);
        ConcurrentLinkedQueue<VisibilityPoller.Sent> accepted = new ConcurrentLinkedQueue<>();
        AtomicLong rejected = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long intervalNanos = (long) (BATCH * 1e9 / rate);
        long warmupBatches = Math.min(bodies.size() - 1, warmup.toNanos() / intervalNanos);
        String name = "P4 " + load.label() + (variant == null ? "" : ", " + variant.label());
        try (VisibilityPoller poller = new VisibilityPoller(dbs.connect(db), accepted, latencies)) {
            poller.start();
            // Warm-up: the same schedule, not measured; then wait until the consumer has caught up with it, so
            // that the measured phase starts from a drained topic (a backlog left before it is not freshness).
            try (Progress progress = Progress.onStderr(name + ", warm-up schedule", warmupBatches * BATCH)) {
                send(0, (int) warmupBatches, false, events, bodies, intervalNanos, clients, http, base, accepted,
                        rejected, latencies, rate, dbs, db, group, topic, bootstrapServers, progress);
            }
            long drained = System.nanoTime() + DRAIN_LIMIT.toNanos();
            while ((!accepted.isEmpty() || inFlight(clients)) && System.nanoTime() < drained) {
                Thread.sleep(POLL_MS);
            }
            try (Progress progress = Progress.onStderr(name + ", measured schedule",
                    (bodies.size() - warmupBatches) * BATCH)) {
                send((int) warmupBatches, bodies.size(), true, events, bodies, intervalNanos, clients, http, base,
                        accepted, rejected, latencies, rate, dbs, db, group, topic, bootstrapServers, progress);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            clients.shutdown();
            while ((!clients.isTerminated() || !accepted.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MS);
            }
        } finally {
            clients.shutdownNow();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long sent = bodies.size() - warmupBatches;
        Measurement m = new Measurement("P4", "live", "freshness, batch " + BATCH + ", " + load.label()
                + (variant == null ? "" : ", " + variant.label()), total - warmupBatches * BATCH,
                Duration.ofNanos((bodies.size() - warmupBatches) * intervalNanos),
                String.format("offered %,.0f events/s; 202 to visible in usage_stats", rate)
                        + (variant == null ? "" : "; " + variant.describe()));
        return new Phase(m, load, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted.length == 0 ? -1 : sorted[sorted.length - 1], rejected.get(),
                Math.max(0, sent - sorted.length - rejected.get()));
    }

    /** Posts batches {@code from} (inclusive) to {@code to} on schedule (open loop). */
    private static void send(int from, int to, boolean measured, List<UsageRecorded> events, List<byte[]> bodies,
            long intervalNanos, ExecutorService clients, HttpClient http, String base,
            ConcurrentLinkedQueue<VisibilityPoller.Sent> accepted, AtomicLong rejected, List<Long> latencies,
            double rate, Databases dbs, String db, String group, String topic, String bootstrapServers,
            Progress progress) throws InterruptedException {
        long start = System.nanoTime();
        for (int b = from; b < to; b++) {
            long due = start + (b - from) * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int first = b * BATCH;
            List<String> ids = events.subList(first, Math.min(events.size(), first + BATCH)).stream()
                    .map(UsageRecorded::requestId).toList();
            byte[] body = bodies.get(b);
            clients.submit(() -> {
                try {
                    HttpResponse<Void> r = http.send(RelayHttp.request(base, body),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 202) {
                        accepted.add(new VisibilityPoller.Sent(ids, System.nanoTime(), measured));
                    } else {
                        rejected.incrementAndGet();
                    }
                } catch (Exception e) {
                    rejected.incrementAndGet();
                }
                return null;
            });
            progress.advance(ids.size());
            if (Boolean.getBoolean("bench.debug") && b % (int) Math.max(1, rate / BATCH) == 0) {
                System.err.printf("P4 %s t=%.1fs sent=%d pending=%d visible=%d stored=%s lso=%s end=%s%n",
                        measured ? "measured" : "warm-up", (System.nanoTime() - start) / 1e9, b, accepted.size(),
                        latencies.size(), ConsumerRun.storedOffsets(dbs, db, group, topic),
                        ends(bootstrapServers, topic, true), ends(bootstrapServers, topic, false));
            }
        }
    }

    /** Whether a client is still waiting for an answer (a batch may still join {@code accepted}). */
    private static boolean inFlight(ExecutorService clients) {
        return clients instanceof java.util.concurrent.ThreadPoolExecutor pool && pool.getActiveCount() > 0;
    }

    /** Diagnostics: per partition, the last stable offset (read_committed) or the log end. */
    private static Map<Integer, Long> ends(String bootstrapServers, String topic, boolean committed) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("isolation.level", committed ? "read_committed" : "read_uncommitted");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            Map<Integer, Long> out = new java.util.TreeMap<>();
            c.endOffsets(Backlog.partitions(topic)).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String describe(Phase p) {
        return String.format(java.util.Locale.ROOT, "P4 at %,.0f events/s offered (%s; batches of %d): %,d batches "
                + "measured, p50 %d ms, p99 %d ms, max %d ms; %d not accepted, %d not visible within 60 s",
                p.load().rate(), p.load().label(), BATCH, p.batches(), p.p50Ms(), p.p99Ms(), p.maxMs(), p.rejected(),
                p.notVisible());
    }
}
