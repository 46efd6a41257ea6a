package dev.usageledger.bench;

import dev.usageledger.stack.JavaProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;

/**
 * Whether the consumer has stored everything committed to the topic. relay-api writes transactionally, so once
 * no transaction is open each partition it wrote to ends with a commit marker after its last event: the
 * consumer's stored next offset (last event's + 1) is then the last stable offset minus one.
 */
final class Backlog implements AutoCloseable {

    private final Databases dbs;
    private final String db;
    private final String group;
    private final String topic;
    private final String bootstrapServers;
    private final JavaProcess consumer;
    /** Created once: its bootstrap and first metadata fetch are not inside a timed wait. */
    private final Admin admin;

    Backlog(Databases dbs, String db, String group, String topic, String bootstrapServers, JavaProcess consumer) {
        this.dbs = dbs;
        this.db = db;
        this.group = group;
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.consumer = consumer;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** Waits until the consumer has stored every committed event; false when {@code limit} passed first. */
    boolean awaitDrained(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions(topic).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        while (System.nanoTime() < deadline) {
            if (!consumer.isAlive()) {
                throw new IllegalStateException("usage-consumer exited:\n" + consumer.logTail(60));
            }
            Map<Integer, Long> stored = ConsumerRun.storedOffsets(dbs, db, group, topic);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get();
            boolean drained = true;
            for (var e : stable.entrySet()) {
                long lso = e.getValue().offset();
                if (lso > 0 && stored.getOrDefault(e.getKey().partition(), -1L) < lso - 1) {
                    drained = false;
                    break;
                }
            }
            if (drained) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits until the consumer has stored an offset for every partition of {@code topic} (it has claimed them). */
    static void awaitClaimed(Databases dbs, String db, String group, String topic, JavaProcess consumer)
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

    static List<org.apache.kafka.common.TopicPartition> partitions(String topic) {
        List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < EventLoader.PARTITIONS; i++) {
            tps.add(new org.apache.kafka.common.TopicPartition(topic, i));
        }
        return tps;
    }
}
