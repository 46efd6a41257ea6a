package dev.usageledger.projections.fold;

import java.time.LocalDateTime;
import java.util.Comparator;

/**
 * The primary key of a stats row: (granularity, bucket_start, subject, model), where the subject
 * is an API key id or an account id depending on the table.
 *
 * <p>{@link #ORDER} is the order of the primary key in MySQL (binary collation on ASCII ids), so
 * writers that upsert in this order lock rows in the same order and do not deadlock each other.
 */
public record StatsKey(Granularity granularity, LocalDateTime bucketStart, String subjectId, String model) {

    public static final Comparator<StatsKey> ORDER = Comparator
            .comparing((StatsKey k) -> k.granularity().sqlName())
            .thenComparing(StatsKey::bucketStart)
            .thenComparing(StatsKey::subjectId)
            .thenComparing(StatsKey::model);
}
