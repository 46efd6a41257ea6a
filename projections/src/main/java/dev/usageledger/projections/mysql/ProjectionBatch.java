package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.LedgerEvent;
import java.util.List;
import java.util.Map;

/**
 * What one consumer poll hands to the writer.
 *
 * @param events      the decoded, valid events in offset order (poison messages already dead-lettered)
 * @param nextOffsets per partition of {@code topic}: the offset after the last record of the batch,
 *                    valid or not, so a dead-lettered record is never read again
 * @param epochs      per partition: the epoch this consumer claimed on assignment
 * @param positions   where each event was read, parallel to {@code events}; empty when not known (a resend
 *                    conflict then records no partition and offset)
 */
public record ProjectionBatch(String consumerGroup, String topic, List<LedgerEvent> events,
        Map<Integer, Long> nextOffsets, Map<Integer, Long> epochs, List<Position> positions) {

    /** A record's partition and offset. */
    public record Position(int partition, long offset) {}

    public ProjectionBatch {
        if (!positions.isEmpty() && positions.size() != events.size()) {
            throw new IllegalArgumentException(positions.size() + " positions for " + events.size() + " events");
        }
    }

    /** A batch whose events' positions are not known. */
    public ProjectionBatch(String consumerGroup, String topic, List<LedgerEvent> events,
            Map<Integer, Long> nextOffsets, Map<Integer, Long> epochs) {
        this(consumerGroup, topic, events, nextOffsets, epochs, List.of());
    }

    /** Where the {@code i}-th event was read, or {@code null} when not known. */
    Position position(int i) {
        return positions.isEmpty() ? null : positions.get(i);
    }
}
