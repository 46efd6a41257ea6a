package dev.usageledger.cli.crs;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one home of CRS's key layout (reference §1, checked against CRS's {@code src/models/redis.js}): which Redis keys
 * the baseline imports and how their parts are read. Key and account ids are CRS's UUIDs (no colon); a model name may
 * hold colons (CRS strips only {@code -vN:M} and {@code :latest}), so it is everything between the id and the bucket
 * label, which ends every bucketed key. Keys of other shapes (indexes, per-request records, global and per-model
 * totals, all-time totals, weekly cost, limits) are not usage of a key or account per bucket and are skipped.
 */
public final class CrsKeys {

    /** Words in an id's place that belong to other key families, never an id. */
    private static final Set<String> NOT_IDS = Set.of("index", "model", "cost", "global", "records", "opus",
            "keymodel", "hourly", "daily", "monthly", "real", "total", "alltime");

    private static final String ID = "([^:]+)";

    /** Per granularity, each shape with groups: id, model (where it has one), label. */
    private static final Map<Granularity, Map<CrsKey.Kind, Pattern>> SHAPES = new EnumMap<>(Granularity.class);

    static {
        for (Granularity g : Granularity.values()) {
            String w = g.crsWord();
            String label = "(" + g.labelPattern() + ")";
            Map<CrsKey.Kind, Pattern> shapes = new EnumMap<>(CrsKey.Kind.class);
            shapes.put(CrsKey.Kind.KEY_MODEL, Pattern.compile("usage:" + ID + ":model:" + w + ":(.+):" + label));
            shapes.put(CrsKey.Kind.KEY_TOTAL, Pattern.compile("usage:" + w + ":" + ID + ":" + label));
            shapes.put(CrsKey.Kind.KEY_RATED_COST, Pattern.compile("usage:cost:" + w + ":" + ID + ":" + label));
            if (g == Granularity.DAY) {
                shapes.put(CrsKey.Kind.KEY_REAL_COST, Pattern.compile("usage:cost:real:daily:" + ID + ":" + label));
            }
            shapes.put(CrsKey.Kind.ACCOUNT_MODEL,
                    Pattern.compile("account_usage:model:" + w + ":" + ID + ":(.+):" + label));
            shapes.put(CrsKey.Kind.ACCOUNT_TOTAL, Pattern.compile("account_usage:" + w + ":" + ID + ":" + label));
            SHAPES.put(g, shapes);
        }
    }

    private final String prefix;

    /** {@code prefix}: what stands before CRS's own key names (empty for a CRS of its own). */
    public CrsKeys(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The SCAN MATCH pattern of every key under the prefix ({@code *} without one). */
    public String scanPattern() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
    }

    /** The key, if it is one of the shapes the baseline imports with a label of its granularity. */
    public Optional<CrsKey> parse(String redisKey) {
        if (!redisKey.startsWith(prefix)) {
            return Optional.empty();
        }
        String key = redisKey.substring(prefix.length());
        if (!key.startsWith("usage:") && !key.startsWith("account_usage:")) {
            return Optional.empty();
        }
        for (var byGranularity : SHAPES.entrySet()) {
            for (var shape : byGranularity.getValue().entrySet()) {
                Matcher m = shape.getValue().matcher(key);
                if (m.matches() && !NOT_IDS.contains(m.group(1))) {
                    String model = m.groupCount() == 3 ? m.group(2) : null;
                    return Optional.of(new CrsKey(redisKey, shape.getKey(), byGranularity.getKey(), m.group(1), model,
                            m.group(m.groupCount())));
                }
            }
        }
        return Optional.empty();
    }
}
