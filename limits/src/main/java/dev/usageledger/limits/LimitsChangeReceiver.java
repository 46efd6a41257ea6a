package dev.usageledger.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every reader of {@code limits.changed} does with one record (relay-api's limits cache, usage-consumer's copy for
 * the counters): decodes it and drops the key from the reader's cached limits, so the next use reads MySQL. Events
 * written by the reader's own instance are applied too (harmless). Metrics: {@value #RECEIVED} by {@code outcome}
 * ({@code applied}, {@code undecodable}) and {@value #DELAY}, from the change's {@code updatedAt} (the writer's clock)
 * to its application here. Never throws on an undecodable record: it is logged, counted and skipped, so the reading
 * container never stops. Thread-safe when {@code dropKey} is.
 */
public final class LimitsChangeReceiver {

    public static final String RECEIVED = "ledger.limits.changes.received";
    public static final String DELAY = "ledger.limits.changes.delay";
    private static final Logger log = LoggerFactory.getLogger(LimitsChangeReceiver.class);

    private final Consumer<String> dropKey;
    private final LimitsChangedCodec codec;
    private final Clock clock;
    private final Counter applied;
    private final Counter undecodable;
    private final Timer delay;

    /** @param dropKey drops one API key's cached limits; must not throw */
    public LimitsChangeReceiver(Consumer<String> dropKey, LimitsChangedCodec codec, Clock clock,
            MeterRegistry registry) {
        this.dropKey = Objects.requireNonNull(dropKey, "dropKey");
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

    public void receive(ConsumerRecord<String, byte[]> record) {
        LimitsChanged change;
        try {
            change = codec.decode(record.value() == null ? new byte[0] : record.value());
        } catch (IllegalArgumentException e) {
            undecodable.increment();
            log.warn("ignored an undecodable limits.changed at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        dropKey.accept(change.apiKeyId());
        applied.increment();
        delay.record(Duration.between(change.updatedAt(), clock.instant()).abs());
        log.debug("limits of {} changed at {}: cached copy dropped", change.apiKeyId(), change.updatedAt());
    }
}
