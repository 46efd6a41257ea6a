package dev.usageledger.relayapi.limits;

import dev.usageledger.projections.limits.LimitsChanged;
import dev.usageledger.projections.limits.LimitsChangedCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;

/**
 * Reads {@code limits.changed} (every instance reads every event: the container assigns the topic's partition to
 * itself, no consumer group) and drops the key from this instance's {@link LimitsCache}, so its next admission reads
 * the new limits from MySQL. Events written by this instance are applied too (harmless: the PUT already dropped the
 * key). Metrics: {@value #RECEIVED} by {@code outcome} ({@code applied}, {@code undecodable}) and {@value #DELAY},
 * from the change's {@code updatedAt} (the writer's clock) to its application here. Never throws.
 */
public final class LimitsChangeListener implements MessageListener<String, byte[]> {

    public static final String RECEIVED = "ledger.limits.changes.received";
    public static final String DELAY = "ledger.limits.changes.delay";
    private static final Logger log = LoggerFactory.getLogger(LimitsChangeListener.class);

    private final LimitsCache cache;
    private final LimitsChangedCodec codec;
    private final Clock clock;
    private final Counter applied;
    private final Counter undecodable;
    private final Timer delay;

    public LimitsChangeListener(LimitsCache cache, LimitsChangedCodec codec, Clock clock, MeterRegistry registry) {
        this.cache = cache;
        this.codec = codec;
        this.clock = clock;
        this.applied = counter(registry, "applied");
        this.undecodable = counter(registry, "undecodable");
        this.delay = Timer.builder(DELAY).description("From a change of limits to its application on this instance")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(RECEIVED).description("limits.changed events read by this instance")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        LimitsChanged change;
        try {
            change = codec.decode(record.value() == null ? new byte[0] : record.value());
        } catch (IllegalArgumentException e) {
            undecodable.increment();
            log.warn("ignored an undecodable limits.changed at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        cache.invalidate(change.apiKeyId());
        applied.increment();
        delay.record(Duration.between(change.updatedAt(), clock.instant()).abs());
        log.debug("limits of {} changed at {}: cached copy dropped", change.apiKeyId(), change.updatedAt());
    }
}
