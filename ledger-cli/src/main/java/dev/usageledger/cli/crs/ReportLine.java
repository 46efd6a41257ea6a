package dev.usageledger.cli.crs;

/**
 * One difference of the verification report: which subject ({@code key} or {@code account}) and bucket, which check
 * ({@code total}: CRS's total of the bucket against the baseline rows of that bucket; {@code hours}: a day's total
 * against the baseline's hours of that day; {@code days}: a month's against its days; {@code cutoff}; {@code live}),
 * which measure, both values as text, and the cause ({@link Cause}).
 */
public record ReportLine(String kind, String subject, String granularity, String bucket, String check,
        String measure, String crs, String baseline, Cause cause) {

    /** Why a value differs; all but {@link #UNEXPLAINED} are expected of CRS's data. */
    public enum Cause {
        EXPIRED_HOURLY_DETAIL("expired hourly detail (CRS keeps hourly keys 7 days)"),
        EXPIRED_DAILY_DETAIL("expired daily detail (CRS keeps daily keys 32 days)"),
        LEGACY_WITHOUT_COST("legacy records without cost (cost unknown)"),
        NO_MODEL_DETAIL("usage without model detail (counted under model '', cost unknown)"),
        BUCKET_PAST_CUTOFF("bucket ends after the cutoff (not imported whole; its parts before the cutoff are)"),
        POSSIBLE_OVERLAP("possible overlap (live events of the key before the cutoff)"),
        UNEXPLAINED("unexplained");

        private final String text;

        Cause(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public static final String HEADER = "kind\tsubject\tgranularity\tbucket\tcheck\tmeasure\tcrs\tbaseline\tcause";

    public String tsv() {
        return String.join("\t", kind, subject, granularity, bucket, check, measure, crs, baseline, cause.name());
    }
}
