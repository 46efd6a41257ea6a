package dev.usageledger.statsapi.read;

/** A series would have more points (buckets × groups) than a request may ask for; nothing was answered. */
public final class TooManyGroupsException extends RuntimeException {

    public TooManyGroupsException(int maxGroups) {
        super("more than " + maxGroups + " groups", null, false, false);
    }
}
