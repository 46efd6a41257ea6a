package dev.usageledger.projections.fold;

import java.time.LocalDateTime;
import java.util.Comparator;

/**
 * The primary key of a stats row: (granularity, bucket_start, subject, model), where the subject
 * is an API key id or an account id depending on the table. A rollup row's key has the subject only
 * (an API key id in {@code key_stats}, a model in {@code model_stats}) and {@link #ROLLUP} as its model.
 *
 * <p>{@link #ORDER} is the order of the primary key in MySQL (binary collation on ASCII ids), so
 * writers that upsert in this order lock rows in the same order and do not deadlock each other.
 */
public record StatsKey(Granularity granularity, LocalDateTime bucketStart, String subjectId, String model) {

    /** The model of a rollup row's key: no column, every model (or, in {@code model_stats}, every key). */
    public static final String ROLLUP = "";

    /** The key of a rollup row. */
    public static StatsKey rollup(Granularity granularity, LocalDateTime bucketStart, String subjectId) {
        return new StatsKey(granularity, bucketStart, subjectId, ROLLUP);
    }

    public static final Comparator<StatsKey> ORDER = Comparator
            .comparing((StatsKey k) -> k.granularity().sqlName())
            .thenComparing(StatsKey::bucketStart)
            .thenComparing(StatsKey::subjectId)
            .thenComparing(StatsKey::model);
}
