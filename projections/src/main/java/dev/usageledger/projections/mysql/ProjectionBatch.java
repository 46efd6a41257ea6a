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
 */
public record ProjectionBatch(String consumerGroup, String topic, List<LedgerEvent> events,
        Map<Integer, Long> nextOffsets, Map<Integer, Long> epochs) {}
