package dev.usageledger.projections.projector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Publishes a record that can never be projected to the dead-letter topic, synchronously: it returns once the
 * record is stored, and throws otherwise (the poll then fails and is read again; nothing is skipped). The record
 * already carries the reason in its {@value Projector#REASON_HEADER} header.
 */
@FunctionalInterface
public interface DeadLetters {

    void publish(ConsumerRecord<String, byte[]> record, Exception reason);
}
