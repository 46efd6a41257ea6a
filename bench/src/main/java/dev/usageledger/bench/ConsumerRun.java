package dev.usageledger.bench;

import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.Progress;
import dev.usageledger.stack.RepoLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real usage-consumer, from its executable jar in its own JVM, projecting a pre-loaded topic
 * into its own database; timed by watching the offsets it stores with the data, which also make its
 * progress lines.
 *
 * <p>Two figures: from the process start (JVM and Spring start-up, Flyway, the group join
 * included), and from the moment the consumer has claimed all partitions (its rows appear in
 * {@code consumer_offsets}, before its first batch) to the last commit: the projection time.
 */
final class ConsumerRun {

    /** The result of one run: the steady projection rate and the peak RSS of the consumer. */
    record Result(long events, Duration projecting, Duration total, long peakRssBytes) {}

    private static final long POLL_MS = 50;

    private ConsumerRun() {}

    static Result run(Databases dbs, String database, String bootstrapServers, String topic, String group,
            Map<Integer, Long> ends, long events, Path logDir, int maxPollRecords, Path jfrDir, ConsumerVariant variant,
            String phase) throws IOException, InterruptedException, SQLException {
        long start = System.nanoTime();
        JavaProcess consumer = start(dbs, database, bootstrapServers, topic, group, logDir, maxPollRecords, jfrDir,
                variant);
        long endOffsets = ends.values().stream().mapToLong(Long::longValue).sum();
        // From the moment the partitions are claimed, as the projection time is measured: JVM start-up excluded.
        Progress progress = null;
        try {
            long deadline = start + EventLoader.timeout(events).toNanos();
            long claimed = -1;
            long peak = 0;
            while (true) {
                if (!consumer.isAlive()) {
                    throw new IllegalStateException("usage-consumer exited:\n" + consumer.logTail(60));
                }
                Map<Integer, Long> stored = storedOffsets(dbs, database, group, topic);
                long now = System.nanoTime();
                if (claimed < 0 && stored.keySet().containsAll(ends.keySet())) {
                    claimed = now;
                    progress = Progress.onStderr(phase + " (from partitions claimed)", events);
                }
                peak = Math.max(peak, consumer.peakRssBytes());
                if (progress != null) {
                    progress.reached(projected(stored, ends, events, endOffsets));
                }
                if (reached(stored, ends)) {
                    return new Result(events, Duration.ofNanos(now - (claimed < 0 ? start : claimed)),
                            Duration.ofNanos(now - start), peak);
                }
                if (now > deadline) {
                    throw new IllegalStateException("usage-consumer did not project " + events + " events within "
                            + EventLoader.timeout(events) + "; stored offsets " + stored + ", expected " + ends
                            + "\n" + consumer.logTail(40));
                }
                Thread.sleep(POLL_MS);
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
            consumer.stop(Duration.ofSeconds(15));
        }
    }

    /**
     * Starts the usage-consumer process on {@code topic}, projecting into {@code database}; {@code variant} (may be
     * {@code null}) names another jar and/or extra application arguments.
     */
    static JavaProcess start(Databases dbs, String database, String bootstrapServers, String topic, String group,
            Path logDir, int maxPollRecords, Path jfrDir, ConsumerVariant variant) throws IOException {
        int port = Ports.freePort();
        List<String> jvmArgs = new ArrayList<>(AppJvmArgs.USAGE_CONSUMER);
        if (variant != null) {
            jvmArgs.addAll(variant.jvmArgs());
        }
        if (jfrDir != null) {
            java.nio.file.Files.createDirectories(jfrDir);
            jvmArgs.add("-XX:StartFlightRecording=settings=profile,filename="
                    + jfrDir.resolve("usage-consumer-" + group + ".jfr").toAbsolutePath());
        }
        List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                        "--spring.datasource.url=" + dbs.url(database),
                        "--spring.datasource.username=" + dbs.user(),
                        "--spring.datasource.password=" + dbs.password(),
                        "--ledger.kafka.topic=" + topic,
                        "--ledger.kafka.dead-letter-topic=" + topic + ".DLT",
                        "--ledger.consumer.group=" + group,
                        "--ledger.consumer.max-poll-records=" + maxPollRecords));
        Path jar = RepoLayout.find().require("usage-consumer/target/usage-consumer-exec.jar");
        if (variant != null) {
            args.addAll(variant.args());
            jar = variant.jar() == null ? jar : variant.jar();
        }
        return JavaProcess.builder("usage-consumer")
                .jar(jar)
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .args(args.toArray(String[]::new))
                .logFile(logDir.resolve("usage-consumer-" + group + ".log"))
                .start();
    }

    /**
     * Events projected, estimated from the stored offsets: their share of the end offsets (which also count the
     * loader's transaction markers, spread evenly through the topic).
     */
    private static long projected(Map<Integer, Long> stored, Map<Integer, Long> ends, long events, long endOffsets) {
        long sum = 0;
        for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            sum += Math.min(e.getValue(), Math.max(0, stored.getOrDefault(e.getKey(), 0L)));
        }
        return endOffsets == 0 ? 0 : events * sum / endOffsets;
    }

    private static boolean reached(Map<Integer, Long> stored, Map<Integer, Long> ends) {
        for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            if (stored.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stored next offsets per partition; empty until Flyway has created the table. */
    static Map<Integer, Long> storedOffsets(Databases dbs, String database, String group, String topic) {
        Map<Integer, Long> out = new HashMap<>();
        try (Connection c = dbs.connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT partition_id, next_offset FROM consumer_offsets WHERE consumer_group = ? AND topic = ?")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
        } catch (SQLException notYet) {
            // the schema is not there yet
        }
        return out;
    }
}
