package dev.usageledger.cli.crs;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A CRS bucket size: its word in CRS's keys ({@code hourly}, {@code daily}, {@code monthly}), the ledger's word
 * ({@code hour}, {@code day}, {@code month}, the {@code granularity} column) and CRS's bucket label format
 * ({@code YYYY-MM-DD:HH}, {@code YYYY-MM-DD}, {@code YYYY-MM}: the local time of CRS's fixed offset).
 */
public enum Granularity {
    HOUR("hourly", "hour", "\\d{4}-\\d{2}-\\d{2}:\\d{2}", "yyyy-MM-dd:HH"),
    DAY("daily", "day", "\\d{4}-\\d{2}-\\d{2}", "yyyy-MM-dd"),
    MONTH("monthly", "month", "\\d{4}-\\d{2}", "yyyy-MM");

    private final String crsWord;
    private final String column;
    private final String labelPattern;
    private final DateTimeFormatter format;

    Granularity(String crsWord, String column, String labelPattern, String format) {
        this.crsWord = crsWord;
        this.column = column;
        this.labelPattern = labelPattern;
        this.format = DateTimeFormatter.ofPattern(format);
    }

    /** CRS's word in its keys. */
    public String crsWord() {
        return crsWord;
    }

    /** The value of the {@code granularity} column. */
    public String column() {
        return column;
    }

    /** A regular expression matching exactly this granularity's bucket labels. */
    String labelPattern() {
        return labelPattern;
    }

    /** The local start of the bucket a label names; a {@link java.time.DateTimeException} for a bad label. */
    LocalDateTime parse(String label) {
        return switch (this) {
            case HOUR -> LocalDateTime.parse(label.substring(0, 10) + "T" + label.substring(11) + ":00");
            case DAY -> LocalDateTime.parse(label + "T00:00");
            case MONTH -> LocalDateTime.parse(label + "-01T00:00");
        };
    }

    /** The label of the bucket that starts at this local time. */
    String label(LocalDateTime localStart) {
        return format.format(localStart);
    }

    /** The local start of the next bucket. */
    LocalDateTime next(LocalDateTime localStart) {
        return switch (this) {
            case HOUR -> localStart.plusHours(1);
            case DAY -> localStart.plusDays(1);
            case MONTH -> localStart.plusMonths(1);
        };
    }

    public static Granularity ofColumn(String column) {
        for (Granularity g : values()) {
            if (g.column.equals(column)) {
                return g;
            }
        }
        throw new IllegalArgumentException("not a granularity: " + column);
    }
}
