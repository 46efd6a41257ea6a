package dev.usageledger.limits;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Projects consumed polls of the events topic into the usage-fed counters of the limits in Redis, in a consumer group
 * of its own ({@link Config#group}), with one {@code count.lua} call per API key and batch ({@link UsageCounters}):
 * free of any framework, called by a listener container on the consumer's own thread.
 *
 * <p>Idempotent per event ({@link UsageCounters}: a per-key dedupe set over the dedupe horizon), so Kafka redelivery
 * and relay resends add nothing. The next offset of each partition is written to Redis after each batch
 * ({@link LimitKeys#counterOffsets}) and sought to on assignment: a resume hint, not the guarantee.
 *
 * <p>Redis state lost (the offsets hash lacks a partition this consumer owns: a Redis restart without persistence, a
 * first start): the counters of the keys of the owned partitions are rebuilt from one consistent MySQL snapshot
 * ({@link CounterRebuilder}) and consumption resumes at the MySQL projection's offsets of that snapshot. Periodically,
 * when idle and when MySQL has caught up with this consumer, the same rebuild reconciles the counters with MySQL.
 * Everything runs on the consumer thread, the only writer of its partitions' keys (events are keyed by API key).
 *
 * <p>Cross-key resends: the counters dedupe per key, so a {@code requestId} resent under another key counts under
 * both until the MySQL projection decides which version counts and records the conflict ({@code ledger_conflicts}).
 * After every batch and at every idle event, the conflicts recorded since ({@link ConflictFeed}, a cursor per owned
 * partition kept in Redis with the offsets) have their losing version excluded from its key
 * ({@link UsageCounters#exclude}), once: a cross-key resend is double-counted in Redis from when the counters count
 * the losing version until the MySQL projection has committed the conflict and the counters' next batch or idle
 * event (at most {@link Config#idleInterval} without traffic).
 * Redis or MySQL down: {@link #project} throws and the container retries the batch; the MySQL projection is
 * unaffected.
 */
public final class CounterProjector {

    static final String LOST_STATE = "lost_state";
    static final String RECONCILE = "reconcile";
    private static final Logger log = LoggerFactory.getLogger(CounterProjector.class);

    /**
     * @param group             this projection's consumer group; its resume offsets are kept in Redis under this name
     * @param ledgerGroup       the MySQL projection's consumer group, whose offsets a rebuild resumes at
     * @param partitions        partitions of the events topic: which keys an owned partition holds
     * @param reconcileInterval how often the counters are reconciled with MySQL, when idle and MySQL has caught up
     * @param idleInterval      how long without records before the container reports idle: when a postponed
     *                          reconciliation is tried again
     */
    public record Config(String group, String ledgerGroup, int partitions, Duration reconcileInterval,
            Duration idleInterval) {}

    private final EventCodec codec;
    private final UsageCounters counters;
    private final CounterRebuilder rebuilder;
    private final ConflictFeed conflicts;
    private final CachedKeyLimits limits;
    private final UnifiedJedis redis;
    private final Config config;
    private final Clock clock;
    private final String offsetsKey;
    private final CounterMetrics metrics;
    /** Next offset to apply, per owned partition, once in step with Redis (absent: not yet checked). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private volatile Instant lastReconcile;

    public CounterProjector(EventCodec codec, UsageCounters counters, CounterRebuilder rebuilder,
            ConflictFeed conflicts, CachedKeyLimits limits, UnifiedJedis redis, Config config, Clock clock,
            MeterRegistry registry) {
        this.codec = codec;
        this.counters = counters;
        this.rebuilder = rebuilder;
        this.conflicts = conflicts;
        this.limits = limits;
        this.redis = redis;
        this.config = config;
        this.clock = clock;
        this.offsetsKey = LimitKeys.counterOffsets(config.group());
        this.lastReconcile = clock.instant();
        this.metrics = new CounterMetrics(registry);
    }

    /** Newly assigned partitions are checked against Redis by the first batch or idle event. */
    public void assigned(Collection<TopicPartition> partitions) {
        partitions.forEach(positions::remove);
    }

    public void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(positions::remove);
    }

    /**
     * No records came for a while: brings the owned partitions in step with Redis, then reconciles the counters with
     * MySQL when due. A failure is logged and tried again at the next idle event.
     */
    public void idle(Set<TopicPartition> owned, BiConsumer<TopicPartition, Long> seek) {
        if (owned.isEmpty()) {
            return;
        }
        try {
            if (!inStep(owned, seek)) {
                return;
            }
            excludeConflictLosers(owned);
            if (!clock.instant().isBefore(lastReconcile.plus(config.reconcileInterval()))) {
                lastReconcile = clock.instant();
                rebuild(owned, seek, RECONCILE, true);
            }
        } catch (RuntimeException | SQLException e) {
            log.warn("counters maintenance failed, will try again when idle: {}", e.toString());
        }
    }

    /**
     * Applies one poll to the counters. A failure (Redis down, MySQL down for a key never read) is thrown: the
     * container must deliver the same poll again.
     */
    public void project(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        Timer.Sample sample = Timer.start();
        try {
            if (!inStep(consumer.assignment(), consumer::seek)) {
                return; // rewound: these records come again
            }
            Map<String, List<LedgerEvent>> byKey = new LinkedHashMap<>();
            Map<TopicPartition, Long> next = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
                try {
                    LedgerEvent e = codec.decode(r.value());
                    byKey.computeIfAbsent(e.apiKeyId(), k -> new ArrayList<>()).add(e);
                } catch (EventDecodingException e) {
                    metrics.undecodable.increment(); // the MySQL projection dead-letters it
                }
            }
            for (Map.Entry<String, List<LedgerEvent>> e : byKey.entrySet()) {
                metrics.applied(counters.apply(e.getKey(), limits.get(e.getKey()), e.getValue()));
            }
            Instant now = clock.instant();
            for (List<LedgerEvent> events : byKey.values()) {
                for (LedgerEvent e : events) {
                    if (e instanceof UsageRecorded u && u.receivedAt() != null) {
                        metrics.freshness.record(Duration.between(u.receivedAt(), now).abs());
                    }
                }
            }
            Map<String, String> fields = new HashMap<>();
            next.forEach((tp, offset) -> fields.put(field(tp), Long.toString(offset)));
            redis.hset(offsetsKey, fields);
            positions.putAll(next);
            try {
                excludeConflictLosers(consumer.assignment());
            } catch (SQLException e) {
                // MySQL down must not stall the counters: the conflicts are read again after the next batch.
                log.warn("reading resend conflicts failed, will try again after the next batch: {}", e.toString());
            }
        } finally {
            sample.stop(metrics.batch);
        }
    }

    /**
     * Makes sure every owned partition is in step with Redis: resumes a newly assigned partition at its stored offset,
     * and rebuilds the counters when Redis lost them. False when a partition was rewound (a batch in hand is then
     * dropped: its records come again).
     */
    private boolean inStep(Set<TopicPartition> owned, BiConsumer<TopicPartition, Long> seek) throws SQLException {
        if (owned.isEmpty()) {
            return true;
        }
        List<TopicPartition> partitions = List.copyOf(owned);
        List<String> stored = redis.hmget(offsetsKey, partitions.stream().map(CounterProjector::field)
                .toArray(String[]::new));
        boolean lost = stored.stream().anyMatch(s -> s == null);
        if (lost) {
            log.warn("counters of {} missing in Redis: rebuilding them from MySQL", partitions);
            rebuild(owned, seek, LOST_STATE, false);
            return false;
        }
        boolean rewound = false;
        for (int i = 0; i < partitions.size(); i++) {
            TopicPartition tp = partitions.get(i);
            if (!positions.containsKey(tp)) {
                long offset = Long.parseLong(stored.get(i));
                seek.accept(tp, offset);
                positions.put(tp, offset);
                rewound = true;
                log.info("counters resume {} at {}", tp, offset);
            }
        }
        return !rewound;
    }

    /**
     * Replaces the counters of the owned partitions' keys with a MySQL snapshot and resumes at its offsets. For a
     * reconciliation ({@code onlyIfCaughtUp}), only when MySQL has applied at least what these counters have (else
     * events counted here but not yet in MySQL would be lost); it is tried again at the next idle time.
     */
    private void rebuild(Set<TopicPartition> owned, BiConsumer<TopicPartition, Long> seek, String trigger,
            boolean onlyIfCaughtUp) throws SQLException {
        String topic = owned.iterator().next().topic();
        Set<Integer> mine = owned.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        CounterRebuilder.Snapshot snapshot = rebuilder.read(config.ledgerGroup(), topic,
                key -> mine.contains(partitionOf(key, config.partitions())));
        if (onlyIfCaughtUp) {
            for (TopicPartition tp : owned) {
                long mysql = snapshot.offsets().getOrDefault(tp.partition(), 0L);
                Long here = positions.get(tp);
                if (here == null || mysql < here) {
                    log.debug("reconciliation postponed: MySQL at {} for {}, counters at {}", mysql, tp, here);
                    lastReconcile = clock.instant().minus(config.reconcileInterval()).plus(config.idleInterval());
                    return;
                }
            }
        }
        CounterRebuilder.Restored restored = rebuilder.restore(snapshot);
        Map<String, String> fields = new HashMap<>();
        for (TopicPartition tp : owned) {
            long offset = snapshot.offsets().getOrDefault(tp.partition(), 0L);
            fields.put(field(tp), Long.toString(offset));
            if (!Long.valueOf(offset).equals(positions.get(tp))) {
                seek.accept(tp, offset);
            }
            positions.put(tp, offset);
            fields.put(conflictField(tp), Long.toString(snapshot.lastConflictId()));
        }
        redis.hset(offsetsKey, fields);
        metrics.rebuilt(trigger, restored);
        log.info("counters {}: {} keys restored from MySQL ({} drifted), resuming at {}", trigger, restored.keys(),
                restored.drifted(), fields);
    }

    /**
     * Excludes the losing versions of the cross-key conflicts recorded since the owned partitions' cursors, those of
     * keys of an owned partition, from their keys' counters; then moves the cursors past them.
     */
    private void excludeConflictLosers(Set<TopicPartition> owned) throws SQLException {
        if (owned.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = List.copyOf(owned);
        List<String> stored = redis.hmget(offsetsKey, partitions.stream().map(CounterProjector::conflictField)
                .toArray(String[]::new));
        Map<Integer, Long> cursors = new HashMap<>();
        for (int i = 0; i < partitions.size(); i++) {
            cursors.put(partitions.get(i).partition(), stored.get(i) == null ? 0L : Long.parseLong(stored.get(i)));
        }
        long from = cursors.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long last = from;
        while (true) {
            List<ConflictFeed.CrossKey> page = conflicts.after(last);
            Map<String, List<LedgerEvent>> losers = new LinkedHashMap<>();
            for (ConflictFeed.CrossKey c : page) {
                String key = c.loser().apiKeyId();
                Long cursor = cursors.get(partitionOf(key, config.partitions()));
                if (cursor != null && c.id() > cursor) {
                    losers.computeIfAbsent(key, k -> new ArrayList<>()).add(c.loser());
                }
                last = c.id();
            }
            for (Map.Entry<String, List<LedgerEvent>> e : losers.entrySet()) {
                metrics.excluded(counters.exclude(e.getKey(), limits.get(e.getKey()), e.getValue()));
            }
            if (page.size() < ConflictFeed.PAGE) {
                break;
            }
        }
        if (last > from) {
            long through = last;
            Map<String, String> fields = new HashMap<>();
            partitions.forEach(tp -> fields.put(conflictField(tp),
                    Long.toString(Math.max(through, cursors.get(tp.partition())))));
            redis.hset(offsetsKey, fields);
        }
    }

    private static String conflictField(TopicPartition tp) {
        return "conflicts:" + field(tp);
    }

    /** The partition the producer's default partitioner gives a record keyed by {@code apiKeyId}. */
    static int partitionOf(String apiKeyId, int partitions) {
        return Utils.toPositive(Utils.murmur2(apiKeyId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String field(TopicPartition tp) {
        return tp.topic() + ":" + tp.partition();
    }
}
