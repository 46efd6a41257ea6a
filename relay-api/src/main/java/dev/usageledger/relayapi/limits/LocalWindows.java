package dev.usageledger.relayapi.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.usageledger.limits.Admission;
import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.LimitKeys;
import dev.usageledger.limits.Reason;
import java.time.Clock;
import java.time.Duration;

/**
 * The approximation of admission used while Redis cannot decide and the failure policy is {@code open}: the key's
 * (cached) requests-per-window limit applied to a sliding window of this instance's own degraded admissions, with the
 * same sub-buckets as Redis ({@link LimitKeys#bucketMillis}). Approximate by design: per instance (a fleet of N
 * instances may admit up to N× the limit), it starts empty (what Redis counted before the outage is not known), and
 * tokens and cost per window, quotas and concurrency are not enforced from memory (no lease is granted, so nothing
 * would release a concurrency slot). A shadow key is counted and always allowed. Thread-safe.
 */
public final class LocalWindows {

    private final Clock clock;
    private final Cache<String, Window> windows;

    public LocalWindows(Clock clock, long maxKeys) {
        this.clock = clock;
        this.windows = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofSeconds(KeyLimits.MAX_WINDOW_SECONDS))
                .build();
    }

    /** The degraded decision for {@code apiKeyId}: allowed (and counted) or denied for requests per window. */
    public Admission admit(String apiKeyId, KeyLimits limits) {
        if (limits.requestsPerWindow() == 0 || limits.windowSeconds() == 0) {
            return new Admission(true, null, 0, null, null, limits.shadow());
        }
        long bucketMs = LimitKeys.bucketMillis(limits.windowSeconds());
        long windowMs = limits.windowSeconds() * 1000L;
        Window w = windows.get(apiKeyId, k -> new Window());
        long retryAfterMs = w.tryCount(clock.millis(), windowMs, bucketMs, limits.requestsPerWindow(),
                limits.shadow());
        if (retryAfterMs < 0) {
            return new Admission(true, null, 0, null, null, limits.shadow());
        }
        if (limits.shadow()) {
            return new Admission(true, Reason.REQUESTS_PER_WINDOW, 0, null, null, true);
        }
        return new Admission(false, Reason.REQUESTS_PER_WINDOW, retryAfterMs, null, null, false);
    }

    /** One key's counts per sub-bucket, a ring indexed by bucket number. */
    static final class Window {
        private long[] starts = new long[0]; // bucket index per slot
        private long[] counts = new long[0];

        /**
         * -1 when counted; otherwise the milliseconds until the oldest counted bucket leaves the window. Same rule as
         * admit.lua: bucket {@code i} covers {@code [i*bucket, (i+1)*bucket)} and counts while
         * {@code i >= floor((now - window) / bucket)}.
         */
        synchronized long tryCount(long now, long windowMs, long bucketMs, long limit, boolean countAnyway) {
            int size = (int) (windowMs / bucketMs) + 1;
            if (starts.length != size) {
                starts = new long[size];
                counts = new long[size];
                java.util.Arrays.fill(starts, Long.MIN_VALUE);
            }
            long current = Math.floorDiv(now, bucketMs);
            long oldestLive = Math.floorDiv(now - windowMs, bucketMs);
            long sum = 0;
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                if (starts[i] >= oldestLive && starts[i] <= current && counts[i] > 0) {
                    sum += counts[i];
                    oldest = Math.min(oldest, starts[i]);
                }
            }
            if (sum < limit || countAnyway) {
                int slot = (int) Math.floorMod(current, (long) size);
                if (starts[slot] != current) {
                    starts[slot] = current;
                    counts[slot] = 0;
                }
                counts[slot]++;
                if (sum < limit) {
                    return -1;
                }
            }
            return Math.max(1, (oldest + 1) * bucketMs + windowMs - now);
        }
    }
}
