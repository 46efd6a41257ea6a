package dev.usageledger.limits;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that knows the Redis key format of the limits. Every key of one API key carries the same hash tag
 * {@code {apiKeyId}}, so one admission script touches a single Redis Cluster slot. API key ids are
 * {@code [A-Za-z0-9._:-]} (CONTRACT §1): they never contain a brace.
 *
 * <pre>
 * ul:{k}:wr:&lt;bucketMs&gt;   HASH   bucket index → requests admitted        TTL window + bucket
 * ul:{k}:wt:&lt;bucketMs&gt;   HASH   bucket index → tokens reported           TTL window + bucket
 * ul:{k}:wc:&lt;bucketMs&gt;   HASH   bucket index → rated cost, 1e-10 USD     TTL window + bucket
 * ul:{k}:cd:&lt;yyyy-MM-dd&gt; STRING rated cost of that day, 1e-10 USD     TTL day end + 1 day
 * ul:{k}:cw:&lt;yyyy-MM-ddTHH&gt; STRING rated cost of the week starting then TTL week end + 1 day
 * ul:{k}:ct                STRING rated cost over the key's lifetime    no TTL (lifetime total)
 * ul:{k}:ls                ZSET   lease id → expiry (epoch ms)          TTL latest expiry + 1 s
 * ul:{k}:seen              ZSET   usage/adjustment id → occurredAt (ms) TTL dedupe horizon (usage-fed counters)
 * ul:counters:{group}:offsets HASH "topic:partition" → next offset      no TTL (resume hint of the counters)
 * </pre>
 *
 * The bucket length is part of the window keys, so a key whose window length changes starts counting afresh rather
 * than misreading buckets of another length. Days and weeks are labelled in the reporting time zone.
 */
public final class LimitKeys {

    private static final Pattern API_KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String LEASE_SEPARATOR = "~";
    private static final String WINDOW_REQUESTS = "wr:";
    private static final String WINDOW_TOKENS = "wt:";
    private static final String WINDOW_COST = "wc:";
    private static final String DAILY_COST = "cd:";
    private static final String WEEKLY_COST = "cw:";
    private static final String TOTAL_COST = "ct";
    private static final String LEASES = "ls";
    private static final DateTimeFormatter WEEK = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

    private LimitKeys() {}

    /** Sub-bucket length of a sliding window: 1/60 of it, rounded down to whole ms (at least 16 ms). */
    public static long bucketMillis(int windowSeconds) {
        return windowSeconds * 1000L / 60;
    }

    public static String windowRequests(String apiKeyId, long bucketMs) {
        return prefix(apiKeyId) + WINDOW_REQUESTS + bucketMs;
    }

    public static String windowTokens(String apiKeyId, long bucketMs) {
        return prefix(apiKeyId) + WINDOW_TOKENS + bucketMs;
    }

    public static String windowCost(String apiKeyId, long bucketMs) {
        return prefix(apiKeyId) + WINDOW_COST + bucketMs;
    }

    public static String dailyCost(String apiKeyId, LocalDate day) {
        return prefix(apiKeyId) + DAILY_COST + day;
    }

    public static String weeklyCost(String apiKeyId, LocalDateTime weekStart) {
        return prefix(apiKeyId) + WEEKLY_COST + WEEK.format(weekStart);
    }

    public static String totalCost(String apiKeyId) {
        return prefix(apiKeyId) + TOTAL_COST;
    }

    public static String leases(String apiKeyId) {
        return prefix(apiKeyId) + LEASES;
    }

    /** Ids of the usage and adjustments already added to the key's counters (see {@code count.lua}). */
    public static String counted(String apiKeyId) {
        return prefix(apiKeyId) + "seen";
    }

    /**
     * Where the usage-fed counters of consumer group {@code group} resume: one hash for all partitions (its own slot;
     * a resume hint only, since every event is deduplicated per key).
     */
    public static String counterOffsets(String group) {
        if (group == null || !API_KEY_ID.matcher(group).matches()) {
            throw new IllegalArgumentException("not a consumer group name usable in a key: " + group);
        }
        return "ul:counters:{" + group + "}:offsets";
    }

    /**
     * The seven keys of the admission and usage scripts, in their KEYS order: the same names as the methods above
     * give, with the id checked once (this runs on every admission).
     */
    public static List<String> admissionKeys(String apiKeyId, long bucketMs, LocalDate day, LocalDateTime weekStart) {
        String p = prefix(apiKeyId);
        return List.of(p + WINDOW_REQUESTS + bucketMs, p + WINDOW_TOKENS + bucketMs, p + WINDOW_COST + bucketMs,
                p + DAILY_COST + day, p + WEEKLY_COST + WEEK.format(weekStart), p + TOTAL_COST, p + LEASES);
    }

    /** A lease id names its API key, so renewal and release find the key's lease set: {@code <apiKeyId>~<random>}. */
    public static String leaseId(String apiKeyId, String random) {
        return requireId(apiKeyId) + LEASE_SEPARATOR + random;
    }

    /** The API key a lease id belongs to; empty when the id is not one this service makes. */
    public static Optional<String> apiKeyOfLease(String leaseId) {
        if (leaseId == null) {
            return Optional.empty();
        }
        int at = leaseId.lastIndexOf(LEASE_SEPARATOR);
        if (at <= 0 || at == leaseId.length() - 1 || leaseId.length() - at > 65) {
            return Optional.empty();
        }
        String apiKeyId = leaseId.substring(0, at);
        return API_KEY_ID.matcher(apiKeyId).matches() ? Optional.of(apiKeyId) : Optional.empty();
    }

    private static String prefix(String apiKeyId) {
        return "ul:{" + requireId(apiKeyId) + "}:";
    }

    private static String requireId(String apiKeyId) {
        if (apiKeyId == null || !API_KEY_ID.matcher(apiKeyId).matches()) {
            throw new IllegalArgumentException("not an API key id: " + apiKeyId);
        }
        return apiKeyId;
    }
}
