package dev.usageledger.projections.mysql;

/**
 * A batch was refused because another consumer has claimed one of its partitions since this one
 * did (the stored epoch moved on). Nothing of the batch was committed; the new owner reads the
 * same records from the stored offset. Never retried.
 */
public final class FencedException extends RuntimeException {

    public FencedException(String topic, int partition, long epoch) {
        super("partition " + topic + "-" + partition + " was claimed by another consumer since epoch " + epoch);
    }
}
