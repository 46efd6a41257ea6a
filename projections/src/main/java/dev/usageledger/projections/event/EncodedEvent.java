package dev.usageledger.projections.event;

import java.util.Objects;

/**
 * A {@link LedgerEvent} ready for the topic: its record key, its type (the {@code type} header) and its value in the
 * one wire form, {@link EventCodec#encode}. The value array is owned by whoever publishes it and never changed.
 *
 * @param key   the event's {@link LedgerEvent#apiKeyId()}, so that one key's events stay in one partition, in order
 * @param type  {@link LedgerEvent#type()}
 * @param value the encoded event
 */
public record EncodedEvent(String key, String type, byte[] value) {

    public EncodedEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** {@code event} encoded by {@code codec}. */
    public static EncodedEvent of(LedgerEvent event, EventCodec codec) {
        return new EncodedEvent(event.apiKeyId(), event.type(), codec.encode(event));
    }
}
