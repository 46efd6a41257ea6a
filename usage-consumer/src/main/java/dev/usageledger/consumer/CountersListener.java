package dev.usageledger.consumer;

import dev.usageledger.limits.CounterRebuilder;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.UsageCounters;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.EventDecodingException;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import io.micrometer.core.instrument.Counter;
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
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import redis.clients.jedis.UnifiedJedis;

/**
 * The usage-fed counters of the limits: a second batch listener on the events topic, in its own consumer group
 * ({@code ledger.counters.group}), applying each batch to Redis with one {@code count.lua} call per API key.
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
 * Redis or MySQL down: the batch is retried after {@code ledger.counters.retry-backoff}, forever; the MySQL
 * projection is unaffected.
 */
final class CountersListener implements ConsumerSeekAware {

    static final String ID = "usage-counters-projection";
    private static final Logger log = LoggerFactory.getLogger(CountersListener.class);

    private final EventCodec codec;
    private final UsageCounters counters;
    private final CounterRebuilder rebuilder;
    private final CachedKeyLimits limits;
    private final UnifiedJedis redis;
    private final ConsumerSettings settings;
    /** Partitions of the events topic ({@code ledger.kafka.partitions}): which keys an owned partition holds. */
    private final int partitionCount;
    private final Clock clock;
    private final String offsetsKey;
    /** Next offset to apply, per owned partition, once in step with Redis (absent: not yet checked). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private volatile Instant lastReconcile;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter tooOld;
    private final Counter undecodable;
    private final Timer batchTimer;
    private final Timer freshness;
    private final MeterRegistry registry;

    CountersListener(EventCodec codec, UsageCounters counters, CounterRebuilder rebuilder, CachedKeyLimits limits,
            UnifiedJedis redis, ConsumerSettings settings, int partitionCount, Clock clock, MeterRegistry registry) {
        this.codec = codec;
        this.counters = counters;
        this.rebuilder = rebuilder;
        this.limits = limits;
        this.redis = redis;
        this.settings = settings;
        this.partitionCount = partitionCount;
        this.clock = clock;
        this.registry = registry;
        this.offsetsKey = LimitKeys.counterOffsets(settings.counters().group());
        this.lastReconcile = clock.instant();
        this.applied = events(registry, "applied");
        this.duplicates = events(registry, "duplicate");
        this.tooOld = events(registry, "too_old");
        this.undecodable = events(registry, "undecodable");
        this.batchTimer = Timer.builder("ledger.counters.batch")
                .description("Time to apply one batch to the Redis counters")
                .publishPercentileHistogram()
                .register(registry);
        this.freshness = Timer.builder("ledger.counters.freshness")
                .description("From relay-api accepting a usage event to its counters being updated")
                .publishPercentileHistogram()
                .register(registry);
        for (String trigger : new String[] {"lost_state", "reconcile"}) {
            rebuilds(trigger);
        }
        Counter.builder("ledger.counters.drift").description("Keys whose counters differed from MySQL when rebuilt")
                .register(registry);
    }

    private static Counter events(MeterRegistry registry, String outcome) {
        return Counter.builder("ledger.counters.events").description("Events seen by the counters projection")
                .tag("outcome", outcome).register(registry);
    }

    private Counter rebuilds(String trigger) {
        return Counter.builder("ledger.counters.rebuilds")
                .description("Rebuilds of the Redis counters from MySQL").tag("trigger", trigger).register(registry);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        assignments.keySet().forEach(positions::remove); // checked against Redis by the first batch or idle event
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(positions::remove);
    }

    @Override
    public void onIdleContainer(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        if (assignments.isEmpty()) {
            return;
        }
        BiConsumer<TopicPartition, Long> seek = (tp, offset) -> callback.seek(tp.topic(), tp.partition(), offset);
        try {
            if (!inStep(assignments.keySet(), seek, null)) {
                return;
            }
            if (!clock.instant().isBefore(lastReconcile.plus(settings.counters().reconcileInterval()))) {
                reconcile(assignments.keySet(), seek);
            }
        } catch (RuntimeException | SQLException e) {
            log.warn("counters maintenance failed, will try again when idle: {}", e.toString());
        }
    }

    @KafkaListener(id = ID, topics = "${ledger.kafka.topic:usage-events}",
            containerFactory = CountersConfiguration.CONTAINER_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        Timer.Sample sample = Timer.start();
        try {
            if (!inStep(consumer.assignment(), consumer::seek, consumer)) {
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
                    undecodable.increment(); // the MySQL projection dead-letters it
                }
            }
            for (Map.Entry<String, List<LedgerEvent>> e : byKey.entrySet()) {
                UsageCounters.Applied result = counters.apply(e.getKey(), limits.get(e.getKey()), e.getValue());
                applied.increment(result.applied());
                duplicates.increment(result.duplicates());
                tooOld.increment(result.tooOld());
            }
            Instant now = clock.instant();
            for (List<LedgerEvent> events : byKey.values()) {
                for (LedgerEvent e : events) {
                    if (e instanceof UsageRecorded u && u.receivedAt() != null) {
                        freshness.record(Duration.between(u.receivedAt(), now).abs());
                    }
                }
            }
            Map<String, String> fields = new HashMap<>();
            next.forEach((tp, offset) -> fields.put(field(tp), Long.toString(offset)));
            redis.hset(offsetsKey, fields);
            positions.putAll(next);
        } finally {
            sample.stop(batchTimer);
        }
    }

    /**
     * Makes sure every owned partition is in step with Redis: resumes a newly assigned partition at its stored offset,
     * and rebuilds the counters when Redis lost them. False when a partition was rewound (a batch in hand is then
     * dropped: its records come again).
     */
    private boolean inStep(Set<TopicPartition> owned, BiConsumer<TopicPartition, Long> seek, Consumer<?, ?> consumer)
            throws SQLException {
        if (owned.isEmpty()) {
            return true;
        }
        List<TopicPartition> partitions = List.copyOf(owned);
        List<String> stored = redis.hmget(offsetsKey, partitions.stream().map(CountersListener::field)
                .toArray(String[]::new));
        boolean lost = stored.stream().anyMatch(s -> s == null);
        if (lost) {
            log.warn("counters of {} missing in Redis: rebuilding them from MySQL", partitions);
            rebuild(owned, seek, "lost_state", false);
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

    private void reconcile(Set<TopicPartition> owned, BiConsumer<TopicPartition, Long> seek) throws SQLException {
        lastReconcile = clock.instant();
        rebuild(owned, seek, "reconcile", true);
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
        CounterRebuilder.Snapshot snapshot = rebuilder.read(settings.consumer().group(), topic,
                key -> mine.contains(partitionOf(key, partitionCount)));
        if (onlyIfCaughtUp) {
            for (TopicPartition tp : owned) {
                long mysql = snapshot.offsets().getOrDefault(tp.partition(), 0L);
                Long here = positions.get(tp);
                if (here == null || mysql < here) {
                    log.debug("reconciliation postponed: MySQL at {} for {}, counters at {}", mysql, tp, here);
                    lastReconcile = clock.instant().minus(settings.counters().reconcileInterval())
                            .plus(settings.counters().idleInterval());
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
        }
        redis.hset(offsetsKey, fields);
        rebuilds(trigger).increment();
        registry.counter("ledger.counters.drift").increment(restored.drifted());
        log.info("counters {}: {} keys restored from MySQL ({} drifted), resuming at {}", trigger, restored.keys(),
                restored.drifted(), fields);
    }

    /** The partition the producer's default partitioner gives a record keyed by {@code apiKeyId}. */
    static int partitionOf(String apiKeyId, int partitions) {
        return Utils.toPositive(Utils.murmur2(apiKeyId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String field(TopicPartition tp) {
        return tp.topic() + ":" + tp.partition();
    }
}
