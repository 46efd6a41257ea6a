package dev.usageledger.limits;

import dev.usageledger.limits.LimitScripts.Script;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.sql.DataSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * Rebuilds the usage-fed counters from MySQL: after Redis lost them, and periodically to correct drift. Two steps:
 * {@link #read} takes one consistent snapshot (one read-only REPEATABLE READ transaction) of the MySQL projection's
 * stored offsets and its figures, so the counters it yields are exactly those of the events before those offsets;
 * {@link #restore} replaces each key's counters with them (one {@code restore.lua} call per key). The caller then
 * resumes the counters' consumer at the snapshot's offsets.
 *
 * <p>Accuracy, as of the snapshot: total cost is exact (cost_stats month rows: usage and adjustments); daily cost is
 * exact (the day row of the reporting zone); weekly cost sums the UTC hour rows from the hour holding the week's
 * start, exact for zones with whole-hour offsets and at most one partial hour too much otherwise; window tokens and
 * cost are exact per sub-bucket, summed from the ledger rows (usage_records, cost_adjustments) of the last window.
 * The dedupe set is not rebuilt: a resend of an event counted before a lost Redis may count once more, until the
 * next reconciliation.
 */
public final class CounterRebuilder {

    static final String OFFSETS = """
            SELECT partition_id, next_offset FROM consumer_offsets WHERE consumer_group = ? AND topic = ?""";

    static final String TOTALS = """
            SELECT api_key_id, SUM(rated_cost_usd) FROM cost_stats WHERE granularity = 'month' GROUP BY api_key_id""";

    static final String DAYS = """
            SELECT api_key_id, bucket_start, SUM(rated_cost_usd) FROM cost_stats
             WHERE granularity = 'day' AND bucket_start >= ? GROUP BY api_key_id, bucket_start""";

    static final String HOURS = """
            SELECT api_key_id, bucket_start, SUM(rated_cost_usd) FROM cost_stats
             WHERE granularity = 'hour' AND bucket_start >= ? GROUP BY api_key_id, bucket_start""";

    static final String WINDOW_USAGE = """
            SELECT occurred_at, input_tokens + output_tokens + cache_create_tokens + cache_read_tokens, rated_cost_usd
              FROM usage_records WHERE api_key_id = ? AND occurred_at >= ?""";

    static final String WINDOW_ADJUSTMENTS = """
            SELECT occurred_at, rated_cost_usd FROM cost_adjustments WHERE api_key_id = ? AND occurred_at >= ?""";

    /** One key's counters as MySQL has them. */
    public record KeyCounters(String apiKeyId, KeyLimits limits, long totalUnits, long dailyUnits, long weeklyUnits,
            Map<Long, long[]> windowBuckets) {}

    /**
     * A consistent snapshot: the MySQL projection's next offset per partition, the counters up to there, and the last
     * resend conflict recorded up to there (its losers are already left out of the counters).
     */
    public record Snapshot(Instant at, Map<Integer, Long> offsets, List<KeyCounters> keys, long lastConflictId) {}

    /** What {@link #restore} did: keys restored, and how many of them differed from Redis (drift). */
    public record Restored(int keys, int drifted) {}

    private final DataSource dataSource;
    private final UnifiedJedis redis;
    private final LimitScripts scripts;
    private final QuotaPeriods periods;
    private final Clock clock;

    public CounterRebuilder(DataSource dataSource, UnifiedJedis redis, LimitScripts scripts, QuotaPeriods periods,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.periods = Objects.requireNonNull(periods, "periods");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the counters of the keys {@code owned} accepts, with the offsets of {@code ledgerGroup} on {@code topic}
     * they are consistent with.
     */
    public Snapshot read(String ledgerGroup, String topic, Predicate<String> owned) throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Map<Integer, Long> offsets = new TreeMap<>();
                try (PreparedStatement s = c.prepareStatement(OFFSETS)) {
                    s.setString(1, ledgerGroup);
                    s.setString(2, topic);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            // -1: the partition is registered, nothing projected yet: resume at its start.
                            offsets.put(r.getInt(1), Math.max(0L, r.getLong(2)));
                        }
                    }
                }
                Map<String, KeyLimits> limits = KeyLimitsStore.findAll(c);
                Map<String, Long> totals = new HashMap<>();
                try (PreparedStatement s = c.prepareStatement(TOTALS); ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (owned.test(r.getString(1))) {
                            totals.put(r.getString(1), units(r.getBigDecimal(2)));
                        }
                    }
                }
                LocalDate today = periods.day(now);
                Instant dayStart = today.atStartOfDay(periods.zone()).toInstant();
                Map<String, Long> daily = new HashMap<>();
                try (PreparedStatement s = c.prepareStatement(DAYS)) {
                    s.setObject(1, utc(dayStart));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            Instant start = r.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                            if (owned.test(r.getString(1)) && periods.day(start).equals(today)) {
                                daily.merge(r.getString(1), units(r.getBigDecimal(3)), Long::sum);
                            }
                        }
                    }
                }
                Map<String, TreeMap<Instant, Long>> hours = new HashMap<>();
                try (PreparedStatement s = c.prepareStatement(HOURS)) {
                    s.setObject(1, utc(now.minus(8, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS)));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            if (owned.test(r.getString(1))) {
                                hours.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).merge(
                                        r.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                                        units(r.getBigDecimal(3)), Long::sum);
                            }
                        }
                    }
                }
                List<String> keys = new ArrayList<>(totals.keySet());
                limits.keySet().stream().filter(owned).filter(k -> !totals.containsKey(k)).forEach(keys::add);
                List<KeyCounters> counters = new ArrayList<>(keys.size());
                for (String key : keys) {
                    KeyLimits l = limits.getOrDefault(key, KeyLimits.NONE);
                    Instant weekStart = periods.weekStart(now, l).atZone(periods.zone()).toInstant();
                    Instant fromHour = weekStart.truncatedTo(ChronoUnit.HOURS);
                    long weekly = hours.getOrDefault(key, new TreeMap<>()).tailMap(fromHour, true).values().stream()
                            .mapToLong(Long::longValue).sum();
                    counters.add(new KeyCounters(key, l, totals.getOrDefault(key, 0L), daily.getOrDefault(key, 0L),
                            weekly, windowBuckets(c, key, l, now)));
                }
                return new Snapshot(now, offsets, counters, ConflictFeed.lastId(c));
            } finally {
                c.rollback();
            }
        }
    }

    /** Bucket index → {tokens, cost units} of the key's last window, from the ledger; empty without a window. */
    private Map<Long, long[]> windowBuckets(Connection c, String key, KeyLimits l, Instant now) throws SQLException {
        Map<Long, long[]> buckets = new HashMap<>();
        if (l.windowSeconds() == 0) {
            return buckets;
        }
        long bucketMs = LimitKeys.bucketMillis(l.windowSeconds());
        long oldest = Math.floorDiv(now.toEpochMilli() - l.windowSeconds() * 1000L, bucketMs);
        LocalDateTime from = utc(Instant.ofEpochMilli(oldest * bucketMs));
        try (PreparedStatement s = c.prepareStatement(WINDOW_USAGE)) {
            s.setString(1, key);
            s.setObject(2, from);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long[] b = buckets.computeIfAbsent(bucket(r.getObject(1, LocalDateTime.class), bucketMs),
                            i -> new long[2]);
                    b[0] += r.getLong(2);
                    b[1] += units(r.getBigDecimal(3));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(WINDOW_ADJUSTMENTS)) {
            s.setString(1, key);
            s.setObject(2, from);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    buckets.computeIfAbsent(bucket(r.getObject(1, LocalDateTime.class), bucketMs),
                            i -> new long[2])[1] += units(r.getBigDecimal(2));
                }
            }
        }
        return buckets;
    }

    /** Replaces the Redis counters of every key of {@code snapshot} with the snapshot's figures. */
    public Restored restore(Snapshot snapshot) {
        Instant now = snapshot.at();
        int drifted = 0;
        for (KeyCounters k : snapshot.keys()) {
            KeyLimits l = k.limits();
            long bucketMs = l.windowSeconds() == 0 ? 1000 : LimitKeys.bucketMillis(l.windowSeconds());
            LocalDate day = periods.day(now);
            LocalDateTime week = periods.weekStart(now, l);
            List<String> keys = List.of(LimitKeys.totalCost(k.apiKeyId()), LimitKeys.dailyCost(k.apiKeyId(), day),
                    LimitKeys.weeklyCost(k.apiKeyId(), week), LimitKeys.windowTokens(k.apiKeyId(), bucketMs),
                    LimitKeys.windowCost(k.apiKeyId(), bucketMs));
            List<String> args = new ArrayList<>();
            args.add(Long.toString(k.totalUnits()));
            args.add(Long.toString(k.dailyUnits()));
            args.add(Long.toString(k.weeklyUnits()));
            args.add(Long.toString(UsageCounters.ttlMs(now, day.plusDays(2).atStartOfDay(periods.zone()).toInstant())));
            args.add(Long.toString(UsageCounters.ttlMs(now,
                    week.plusWeeks(1).plusDays(1).atZone(periods.zone()).toInstant())));
            args.add(Long.toString(l.windowSeconds() == 0 ? 0 : l.windowSeconds() * 1000L + bucketMs));
            k.windowBuckets().forEach((index, b) -> {
                args.add(Long.toString(index));
                args.add(b[0] + ":" + b[1]);
            });
            List<?> before = (List<?>) scripts.run(redis, Script.RESTORE, keys, args);
            if (!text(before.get(0)).equals(Long.toString(k.totalUnits()))
                    || !text(before.get(1)).equals(Long.toString(k.dailyUnits()))
                    || !text(before.get(2)).equals(Long.toString(k.weeklyUnits()))) {
                drifted++;
            }
        }
        return new Restored(snapshot.keys().size(), drifted);
    }

    private static long bucket(LocalDateTime utc, long bucketMs) {
        return Math.floorDiv(utc.toInstant(ZoneOffset.UTC).toEpochMilli(), bucketMs);
    }

    private static LocalDateTime utc(Instant at) {
        return LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static long units(BigDecimal usd) {
        return usd == null ? 0 : UsdUnits.toUnits(usd);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
