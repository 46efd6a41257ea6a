package dev.usageledger.cli.crs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Writes realistic Claude Relay Service usage into a real Redis, as CRS's {@code incrementTokenUsage},
 * {@code incrementAccountUsage} and {@code incrementDailyCost} leave it (reference §1.3-§1.5, checked against
 * {@code src/models/redis.js}), and returns its own ground truth.
 *
 * <p>It simulates requests of a dozen API keys over about 14 months before an injected {@code now} (sparse long ago,
 * dense in the last ten days), several models (one with a colon in its name) and three upstream accounts, bucketed in
 * CRS's fixed offset. Requests before the {@code costEra} (a CRS month start five months back) are legacy: CRS
 * recorded them without cost (no micro-USD fields, no cost keys). Every seventh legacy request of one key lost its
 * key-and-model hashes (CRS's pipeline is not atomic), so that key's totals exceed its model detail. Retention is CRS's:
 * a key expires its TTL after its last write (hashes: hourly 7 d, daily 32 d, monthly 365 d; cost keys: hourly 7 d,
 * daily 30 d, monthly 90 d), so a key whose TTL has run out by {@code now} is not written at all; the others are
 * written with the TTL they have left. Keys CRS writes that the baseline does not import (all-time totals, indexes,
 * per-request records, global totals) are written too.
 */
final class CrsFixture {

    /** A bucket of a key ({@code kind = "key"}) or account, with a model, or the subject's total ({@code null}). */
    record Cell(String kind, Granularity granularity, String label, String subject, String model) {}

    /** Sums of simulated requests; micro-USD as CRS rounds each request's cost. */
    static final class Sums {
        long requests;
        long input;
        long output;
        long cacheCreate;
        long cacheRead;
        long eph5m;
        long eph1h;
        long realMicro;
        long ratedMicro;
        BigDecimal ratedUsd = BigDecimal.ZERO;
        BigDecimal realUsd = BigDecimal.ZERO;
        long legacyRequests;
        Instant lastWrite = Instant.MIN;

        long[] measures() {
            return new long[] {requests, input, output, cacheCreate, cacheRead, eph5m, eph1h};
        }

        void add(Request r) {
            requests++;
            input += r.input;
            output += r.output;
            cacheCreate += r.cacheCreate;
            cacheRead += r.cacheRead;
            eph5m += r.eph5m;
            eph1h += r.eph1h;
            if (r.legacy) {
                legacyRequests++;
            } else {
                realMicro += r.realUsd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
                ratedMicro += r.ratedUsd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
                realUsd = realUsd.add(r.realUsd);
                ratedUsd = ratedUsd.add(r.ratedUsd);
            }
            if (r.at.isAfter(lastWrite)) {
                lastWrite = r.at;
            }
        }
    }

    record Request(Instant at, String key, String account, String model, long input, long output, long cacheCreate,
            long cacheRead, long eph5m, long eph1h, BigDecimal realUsd, BigDecimal ratedUsd, boolean legacy,
            boolean lostModelDetail) {}

    /** What was simulated and what of it was written. {@code costKeys}: rated (and real daily) cost keys written. */
    record Truth(Instant now, CrsOffset offset, Map<Cell, Sums> simulated, Map<Cell, Sums> written,
            Map<Cell, Sums> writtenCostKeys, int requests, int redisKeys) {}

    static final List<String> MODELS = List.of("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "gpt-5",
            "qwen2.5:14b");
    static final List<String> ACCOUNTS = List.of("acc-claude-1", "acc-claude-2", "acc-openai-1");
    static final BigDecimal[] KEY_RATES = {BigDecimal.ONE, new BigDecimal("1.2"), new BigDecimal("0.8")};

    private static final Map<Granularity, Duration> HASH_TTL = Map.of(Granularity.HOUR, Duration.ofDays(7),
            Granularity.DAY, Duration.ofDays(32), Granularity.MONTH, Duration.ofDays(365));
    private static final Map<Granularity, Duration> COST_TTL = Map.of(Granularity.HOUR, Duration.ofDays(7),
            Granularity.DAY, Duration.ofDays(30), Granularity.MONTH, Duration.ofDays(90));

    private CrsFixture() {}

    static String keyId(int i) {
        return String.format("%08x-7b4d-4e8a-9f00-%012x", 0x3f2a9c00 + i, 0x1a2b3c4d5e00L + i);
    }

    /** The key whose legacy requests lost their model detail now and then. */
    static final String LOSSY_KEY = keyId(3);

    static Truth write(UnifiedJedis redis, CrsOffset offset, Instant now, long seed) {
        Instant costEra = offset.start(Granularity.MONTH,
                offset.label(Granularity.MONTH, now.minus(Duration.ofDays(150))));
        List<Request> requests = simulate(now, costEra, seed);
        Map<Cell, Sums> simulated = new LinkedHashMap<>();
        Map<Cell, Sums> costs = new LinkedHashMap<>();
        for (Request r : requests) {
            for (Granularity g : Granularity.values()) {
                String label = offset.label(g, bucketStart(offset, g, r.at));
                add(simulated, new Cell("key", g, label, r.key, null), r);
                if (!r.lostModelDetail) {
                    add(simulated, new Cell("key", g, label, r.key, r.model), r);
                }
                add(simulated, new Cell("account", g, label, r.account, null), r);
                add(simulated, new Cell("account", g, label, r.account, r.model), r);
                if (!r.legacy) {
                    add(costs, new Cell("key", g, label, r.key, null), r);
                }
            }
        }
        Map<Cell, Sums> written = new LinkedHashMap<>();
        Map<Cell, Sums> writtenCosts = new LinkedHashMap<>();
        int redisKeys = 0;
        try (AbstractPipeline p = redis.pipelined()) {
            for (var e : simulated.entrySet()) {
                Cell c = e.getKey();
                Sums s = e.getValue();
                Duration left = Duration.between(now, s.lastWrite.plus(HASH_TTL.get(c.granularity())));
                if (left.isNegative() || left.isZero()) {
                    continue;
                }
                String name = hashName(c);
                p.hset(name, fields(c, s));
                p.pexpire(name, left.toMillis());
                written.put(c, s);
                redisKeys++;
            }
            for (var e : costs.entrySet()) {
                Cell c = e.getKey();
                Sums s = e.getValue();
                Duration left = Duration.between(now, s.lastWrite.plus(COST_TTL.get(c.granularity())));
                if (left.isNegative() || left.isZero()) {
                    continue;
                }
                String bucket = c.subject() + ":" + c.label();
                String rated = "usage:cost:" + c.granularity().crsWord() + ":" + bucket;
                p.incrByFloat(rated, s.ratedUsd.doubleValue());
                p.pexpire(rated, left.toMillis());
                redisKeys++;
                if (c.granularity() == Granularity.DAY) {
                    String real = "usage:cost:real:daily:" + bucket;
                    p.incrByFloat(real, s.realUsd.doubleValue());
                    p.pexpire(real, left.toMillis());
                    redisKeys++;
                }
                writtenCosts.put(c, s);
            }
            redisKeys += writeOtherShapes(p, requests, offset);
            p.sync();
        }
        return new Truth(now, offset, simulated, written, writtenCosts, requests.size(), redisKeys);
    }

    /**
     * The benchmark's path: {@code keys} Redis keys written fast (pipelined, synced every 10,000), of the shapes the
     * import reads, no simulation: per API key and CRS day 8 to 31 days before {@code now} (past the hourly keys'
     * retention, within the daily ones'), a key-and-model hash for each of the four models (with micro-USD costs) and
     * the key's daily total; API keys as many as it takes.
     * Returns the keys written.
     */
    static long writeMany(UnifiedJedis redis, CrsOffset offset, Instant now, long keys) {
        long written = 0;
        Map<String, String> model = Map.of("inputTokens", "1200", "outputTokens", "350", "cacheCreateTokens", "4000",
                "cacheReadTokens", "20000", "allTokens", "25550", "requests", "3", "ephemeral5mTokens", "3000",
                "ephemeral1hTokens", "1000", "realCostMicro", "12345", "ratedCostMicro", "15000");
        Map<String, String> total = new HashMap<>(model);
        total.remove("realCostMicro");
        total.remove("ratedCostMicro");
        total.put("tokens", "1550");
        total.put("requests", "12");
        for (String f : List.of("inputTokens", "outputTokens", "cacheCreateTokens", "cacheReadTokens", "allTokens",
                "ephemeral5mTokens", "ephemeral1hTokens")) {
            total.put(f, Long.toString(4 * Long.parseLong(model.get(f))));
        }
        AbstractPipeline p = redis.pipelined();
        try {
            for (int k = 0; written < keys; k++) {
                for (int d = 8; d <= 31 && written < keys; d++) {
                    String day = offset.label(Granularity.DAY, now.minus(Duration.ofDays(d)));
                    for (String m : MODELS) {
                        p.hset("usage:" + keyId(100_000 + k) + ":model:daily:" + m + ":" + day, model);
                    }
                    p.hset("usage:daily:" + keyId(100_000 + k) + ":" + day, total);
                    written += MODELS.size() + 1;
                    if (written % 10_000 < MODELS.size() + 1) {
                        p.sync();
                        p.close();
                        p = redis.pipelined();
                    }
                }
            }
            p.sync();
        } finally {
            p.close();
        }
        return written;
    }

    private static Instant bucketStart(CrsOffset offset, Granularity g, Instant at) {
        return offset.start(g, offset.label(g, at));
    }

    private static void add(Map<Cell, Sums> cells, Cell cell, Request r) {
        cells.computeIfAbsent(cell, c -> new Sums()).add(r);
    }

    private static List<Request> simulate(Instant now, Instant costEra, long seed) {
        Random random = new Random(seed);
        List<Request> requests = new ArrayList<>();
        Instant start = now.minus(Duration.ofDays(425));
        Instant dense = now.minus(Duration.ofDays(10));
        for (int k = 0; k < 12; k++) {
            String key = keyId(k);
            String account = ACCOUNTS.get(k % ACCOUNTS.size());
            BigDecimal rate = KEY_RATES[k % KEY_RATES.length];
            int legacySeen = 0;
            Instant at = start.plusSeconds(random.nextInt(36_000));
            while (at.isBefore(now)) {
                String model = MODELS.get(random.nextInt(k % 2 == 0 ? MODELS.size() : 2));
                long input = 100 + random.nextInt(5000);
                long output = 50 + random.nextInt(2000);
                long cacheCreate = random.nextInt(3) == 0 ? 1000 + random.nextInt(20_000) : 0;
                long eph1h = cacheCreate > 0 && random.nextBoolean() ? cacheCreate / 4 : 0;
                long eph5m = cacheCreate - eph1h;
                long cacheRead = random.nextInt(2) == 0 ? random.nextInt(50_000) : 0;
                // Sonnet-like prices per million tokens, to 1e-9 USD: an unrounded cost, as CRS computes it.
                BigDecimal real = BigDecimal.valueOf(input * 3_000_000L + output * 15_000_000L
                        + cacheCreate * 3_750_000L + cacheRead * 300_000L + random.nextInt(1_000_000), 12);
                boolean legacy = at.isBefore(costEra);
                boolean lost = legacy && key.equals(LOSSY_KEY) && legacySeen++ % 7 == 0;
                requests.add(new Request(at.truncatedTo(ChronoUnit.MILLIS), key, account, model, input, output,
                        cacheCreate, cacheRead, eph5m, eph1h, real, real.multiply(rate), legacy, lost));
                long meanGap = at.isBefore(dense) ? 9 * 3600 : 50 * 60;
                at = at.plusSeconds(1 + (long) (-Math.log(1 - random.nextDouble()) * meanGap));
            }
        }
        return requests;
    }

    private static String hashName(Cell c) {
        String g = c.granularity().crsWord();
        if (c.kind().equals("key")) {
            return c.model() == null ? "usage:" + g + ":" + c.subject() + ":" + c.label()
                    : "usage:" + c.subject() + ":model:" + g + ":" + c.model() + ":" + c.label();
        }
        return c.model() == null ? "account_usage:" + g + ":" + c.subject() + ":" + c.label()
                : "account_usage:model:" + g + ":" + c.subject() + ":" + c.model() + ":" + c.label();
    }

    /** The fields CRS writes into this hash. */
    private static Map<String, String> fields(Cell c, Sums s) {
        Map<String, String> f = new HashMap<>();
        if (c.model() == null) {
            f.put("tokens", Long.toString(s.input + s.output));
        }
        f.put("inputTokens", Long.toString(s.input));
        f.put("outputTokens", Long.toString(s.output));
        f.put("cacheCreateTokens", Long.toString(s.cacheCreate));
        f.put("cacheReadTokens", Long.toString(s.cacheRead));
        f.put("allTokens", Long.toString(s.input + s.output + s.cacheCreate + s.cacheRead));
        f.put("requests", Long.toString(s.requests));
        f.put("ephemeral5mTokens", Long.toString(s.eph5m));
        f.put("ephemeral1hTokens", Long.toString(s.eph1h));
        if (c.kind().equals("key") && c.model() != null && s.realMicro > 0) {
            f.put("realCostMicro", Long.toString(s.realMicro));
            f.put("ratedCostMicro", Long.toString(s.ratedMicro));
        }
        return f;
    }

    /** Keys of other shapes CRS writes: never imported. */
    private static int writeOtherShapes(AbstractPipeline p, List<Request> requests, CrsOffset offset) {
        int keys = 0;
        Map<String, Long> allTime = new HashMap<>();
        for (Request r : requests) {
            allTime.merge(r.key, 1L, Long::sum);
        }
        for (var e : allTime.entrySet()) {
            p.hset("usage:" + e.getKey(), Map.of("totalRequests", e.getValue().toString()));
            p.hset("usage:" + e.getKey() + ":model:alltime:gpt-5", Map.of("requests", "1"));
            p.lpush("usage:records:" + e.getKey(), "{\"model\":\"gpt-5\"}");
            p.set("usage:cost:total:" + e.getKey(), "12.5");
            keys += 4;
        }
        Request last = requests.get(requests.size() - 1);
        String day = offset.label(Granularity.DAY, last.at);
        p.sadd("usage:daily:index:" + day, last.key);
        p.sadd("usage:keymodel:daily:index:" + day, last.key + ":" + last.model);
        p.hset("usage:model:daily:" + last.model + ":" + day, Map.of("requests", "1"));
        p.hset("usage:global:daily:" + day, Map.of("requests", "1"));
        p.set("usage:daily:index:" + day + ":empty", "1");
        return keys + 5;
    }
}
