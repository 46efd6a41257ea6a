package dev.usageledger.projections.mysql;

/**
 * Ownership of one partition, as recorded in {@code consumer_offsets} when it was assigned.
 *
 * @param nextOffset the stored next offset to read, or -1 when nothing was ever stored
 * @param epoch      the epoch this owner claimed; commits with an older epoch are refused
 */
public record PartitionClaim(String topic, int partition, long nextOffset, long epoch) {

    public boolean hasStoredOffset() {
        return nextOffset >= 0;
    }
}
