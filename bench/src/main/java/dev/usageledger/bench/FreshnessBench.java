package dev.usageledger.bench;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P4: freshness. relay-api and usage-consumer both running; batches of {@value #BATCH} events are
 * posted at a fixed rate (open loop: on schedule, whatever the answers' latency); for each batch,
 * the time from relay-api's 202 to the moment all its events are in {@code usage_records}, which
 * the consumer writes in the same transaction as {@code usage_stats} (visible in one means visible
 * in the other). Visibility is polled every {@value #POLL_MS} ms on one connection by a thread of its own, oldest
 * pending batch first, stopping at the first batch not yet visible: a batch that becomes visible before an older
 * one is measured when the older one is seen (later than it was, never earlier), and a poll costs one query per
 * newly visible batch plus one. The first 15 s of the schedule warm both cold JVMs and are not measured; the
 * measured phase starts once the consumer has caught up with them (at most 120 s later), so that it measures
 * freshness at the offered rate, not the draining of a cold start's backlog.
 */
final class FreshnessBench {

    static final int BATCH = 100;
    private static final long POLL_MS = 10;
    /** Both JVMs start cold: the first batches (JIT, connection pools, first transactions) are not measured. */
    private static final Duration WARMUP = Duration.ofSeconds(15);
    /** Longest wait, after the warm-up, for the consumer to catch up before the measured phase starts anyway. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

    record Result(Measurement measurement, double rate, long batches, long p50Ms, long p99Ms, long maxMs,
            long rejected, long notVisible, long consumerPeakRss) {}

    private record Sent(List<String> ids, long acceptedAt, boolean measured) {}

    private FreshnessBench() {}

    static Result run(Databases dbs, String bootstrapServers, BenchEvents generated, double rate, Duration duration,
            String runId, Path logs, int maxPollRecords, Path jfrDir, ConsumerVariant variant) throws Exception {
        String suffix = variant == null ? "" : "-" + variant.label();
        String topic = "bench-fresh-" + runId + suffix;
        String db = "bench_freshness" + suffix.replaceAll("[^A-Za-z0-9_]", "_");
        String group = "bench-" + topic;
        EventLoader.createTopics(bootstrapServers, topic);
        dbs.recreate(db);
        EventCodec codec = new EventCodec();
        long total = generated.count();
        List<UsageRecorded> events = generated.cursor().next((int) total);
        List<byte[]> bodies = IngestBench.bodies(codec.mapper(), codec, events, BATCH);
        JavaProcess consumer = ConsumerRun.start(dbs, db, bootstrapServers, topic, group, logs, maxPollRecords,
                jfrDir, variant);
        int port = Ports.freePort();
        JavaProcess relay = IngestBench.startRelay(bootstrapServers, topic, port, logs, jfrDir);
        ExecutorService clients = Executors.newFixedThreadPool(IngestBench.CLIENTS);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + port;
            IngestBench.awaitReady(relay, http, base);
            awaitClaimed(dbs, db, group, topic, consumer);

            ConcurrentLinkedQueue<Sent> accepted = new ConcurrentLinkedQueue<>();
            AtomicLong rejected = new AtomicLong();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long intervalNanos = (long) (BATCH * 1e9 / rate);
            long warmupBatches = Math.min(bodies.size() - 1, WARMUP.toNanos() / intervalNanos);
            try (Poller poller = new Poller(dbs.connect(db), accepted, latencies)) {
                poller.start();
                // Warm-up: the same schedule, not measured; then wait until the consumer has caught up with it, so
                // that the measured phase starts from a drained topic (the cold JVMs' backlog is not freshness).
                send(0, (int) warmupBatches, false, events, bodies, intervalNanos, clients, http, base, accepted,
                        rejected, latencies, rate, dbs, db, group, topic, bootstrapServers);
                long drained = System.nanoTime() + DRAIN_LIMIT.toNanos();
                while ((!accepted.isEmpty() || inFlight(clients)) && System.nanoTime() < drained) {
                    Thread.sleep(POLL_MS);
                }
                send((int) warmupBatches, bodies.size(), true, events, bodies, intervalNanos, clients, http, base,
                        accepted, rejected, latencies, rate, dbs, db, group, topic, bootstrapServers);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                clients.shutdown();
                while ((!clients.isTerminated() || !accepted.isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(POLL_MS);
                }
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long measuredBatches = sorted.length;
            long sent = bodies.size() - warmupBatches;
            Duration elapsed = Duration.ofNanos(bodies.size() * intervalNanos);
            Measurement m = new Measurement("P4", "live", "freshness, batch " + BATCH
                    + (variant == null ? "" : ", " + variant.label()), total - warmupBatches * BATCH,
                    elapsed.minus(Duration.ofNanos(warmupBatches * intervalNanos)),
                    String.format("offered %,.0f events/s; 202 to visible in usage_stats", rate)
                            + (variant == null ? "" : "; " + variant.describe()));
            return new Result(m, rate, measuredBatches, percentile(sorted, 50), percentile(sorted, 99),
                    sorted.length == 0 ? -1 : sorted[sorted.length - 1], rejected.get(),
                    Math.max(0, sent - measuredBatches - rejected.get()), consumer.peakRssBytes());
        } finally {
            clients.shutdownNow();
            relay.stop(Duration.ofSeconds(15));
            consumer.stop(Duration.ofSeconds(15));
        }
    }

    /** Posts batches {@code from} (inclusive) to {@code to} on schedule (open loop). */
    private static void send(int from, int to, boolean measured, List<UsageRecorded> events, List<byte[]> bodies,
            long intervalNanos, ExecutorService clients, HttpClient http, String base,
            ConcurrentLinkedQueue<Sent> accepted, AtomicLong rejected, List<Long> latencies,
            double rate, Databases dbs, String db, String group, String topic, String bootstrapServers)
            throws InterruptedException {
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
                    HttpResponse<Void> r = http.send(IngestBench.request(base, body),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 202) {
                        accepted.add(new Sent(ids, System.nanoTime(), measured));
                    } else {
                        rejected.incrementAndGet();
                    }
                } catch (Exception e) {
                    rejected.incrementAndGet();
                }
                return null;
            });
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

    /**
     * Visibility checks on one connection kept open for the whole run (a connection per poll cost the starved
     * machine ~100 connection set-ups a second) with one prepared statement per batch size, on a thread of its own
     * (polls used to run between sends, delaying the schedule). Each poll walks the pending batches oldest first and
     * stops at the first one not yet visible: it used to query up to 32 pending batches every 10 ms whatever
     * happened, ~3,200 primary-key lookups a poll in the MariaDB the consumer writes to, once the consumer lagged.
     */
    private static final class Poller implements AutoCloseable {

        private final Connection connection;
        private final PreparedStatement full;
        private final ConcurrentLinkedQueue<Sent> pending;
        private final List<Long> sink;
        private final Thread thread;
        private volatile boolean running = true;

        Poller(Connection connection, ConcurrentLinkedQueue<Sent> pending, List<Long> sink) throws SQLException {
            this.connection = connection;
            this.full = connection.prepareStatement(countSql(BATCH));
            this.pending = pending;
            this.sink = sink;
            this.thread = new Thread(this::loop, "p4-visibility-poller");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (running) {
                poll();
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Removes from {@code pending} the oldest batches now fully visible; records the measured ones' latency in ms. */
        private void poll() {
            try {
                for (Iterator<Sent> it = pending.iterator(); it.hasNext(); ) {
                    Sent s = it.next();
                    if (!visible(s.ids())) {
                        return;
                    }
                    long seen = System.nanoTime();
                    it.remove();
                    if (s.measured()) {
                        sink.add(Math.max(0, (seen - s.acceptedAt()) / 1_000_000));
                    }
                }
            } catch (SQLException notYet) {
                // the consumer's Flyway has not created the tables yet
                if (Boolean.getBoolean("bench.debug")) {
                    System.err.println("P4 poll: " + notYet);
                }
            }
        }

        private boolean visible(List<String> ids) throws SQLException {
            if (ids.size() == BATCH) {
                return count(full, ids) == ids.size();
            }
            try (PreparedStatement ps = connection.prepareStatement(countSql(ids.size()))) {
                return count(ps, ids) == ids.size();
            }
        }

        private static long count(PreparedStatement ps, List<String> ids) throws SQLException {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private static String countSql(int n) {
            return "SELECT COUNT(*) FROM usage_records WHERE request_id IN (" + "?,".repeat(n - 1) + "?)";
        }

        @Override
        public void close() throws SQLException {
            running = false;
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }

    private static void awaitClaimed(Databases dbs, String db, String group, String topic, JavaProcess consumer)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!consumer.isAlive()) {
                throw new IllegalStateException("usage-consumer exited:\n" + consumer.logTail(60));
            }
            Map<Integer, Long> stored = ConsumerRun.storedOffsets(dbs, db, group, topic);
            if (stored.size() >= EventLoader.PARTITIONS) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("usage-consumer did not claim its partitions within 120 s:\n"
                + consumer.logTail(40));
    }

    /** Diagnostics: per partition, the last stable offset (read_committed) or the log end. */
    private static Map<Integer, Long> ends(String bootstrapServers, String topic, boolean committed) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("isolation.level", committed ? "read_committed" : "read_uncommitted");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < EventLoader.PARTITIONS; i++) {
                tps.add(new org.apache.kafka.common.TopicPartition(topic, i));
            }
            Map<Integer, Long> out = new java.util.TreeMap<>();
            c.endOffsets(tps).forEach((tp, o) -> out.put(tp.partition(), o));
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

    static String describe(Result r) {
        return String.format("P4 at %,.0f events/s offered (batches of %d): %,d batches measured, p50 %d ms, "
                + "p99 %d ms, max %d ms; %d not accepted, %d not visible within 60 s", r.rate(), BATCH, r.batches(),
                r.p50Ms(), r.p99Ms(), r.maxMs(), r.rejected(), r.notVisible());
    }
}
