package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import dev.usageledger.projections.value.CostBreakdown;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The rows of {@link LoadDataSink}'s files, in the format {@link ProjectionSql}'s {@code LOAD DATA} statements read:
 * tab-separated, backslash escapes, {@code \N} for NULL, one row per line; the same values {@link LedgerRows} binds
 * to the batched {@code INSERT}s. Pure.
 */
final class TsvRows {

    private static final DateTimeFormatter DATETIME_3 = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final String NULL = "\\N";

    private TsvRows() {}

    /** One id claim in the column order of {@link ProjectionSql#loadEventIds}. */
    static void appendEventId(StringBuilder tsv, String kind, LedgerEvent e, long token) {
        tsv.append(kind).append('\t');
        text(tsv, e.eventId()).append('\t');
        datetime(tsv, e.occurredAt()).append('\t').append(token).append('\n');
    }

    /** One stats row in {@link ProjectionSql.StatsTable} column order: what {@link LedgerRows#bindStatsRow} binds. */
    static void appendStatsRow(StringBuilder tsv, ProjectionSql.StatsTable table, StatsKey k, Measures m) {
        tsv.append(k.granularity().sqlName()).append('\t');
        bucketStart(tsv, k.bucketStart()).append('\t');
        text(tsv, k.subjectId());
        if (!table.rollup) {
            text(tsv.append('\t'), k.model());
        }
        if (table.tokens) {
            tsv.append('\t').append(m.requests()).append('\t').append(m.unpricedRequests()).append('\t')
                    .append(m.inputTokens()).append('\t')
                    .append(m.outputTokens()).append('\t').append(m.cacheCreateTokens()).append('\t')
                    .append(m.cacheReadTokens()).append('\t').append(m.ephemeral5mTokens()).append('\t')
                    .append(m.ephemeral1hTokens());
        }
        if (table.cost) {
            decimal(tsv.append('\t'), m.realCostUsd());
            decimal(tsv.append('\t'), m.ratedCostUsd());
        }
        tsv.append('\n');
    }

    /** One ledger row in {@link ProjectionSql#USAGE_RECORD_COLUMNS} order, the values {@link LedgerRows} binds. */
    static void appendUsageRecord(StringBuilder tsv, UsageRecorded u) {
        TokenUsage t = u.usage();
        text(tsv, u.requestId()).append('\t');
        datetime(tsv, u.occurredAt()).append('\t');
        text(tsv, u.apiKeyId()).append('\t');
        text(tsv, u.accountId()).append('\t');
        text(tsv, u.accountType()).append('\t');
        text(tsv, u.model()).append('\t');
        text(tsv, u.reportedModel()).append('\t');
        tsv.append(t.input()).append('\t').append(t.output()).append('\t').append(t.cacheCreate()).append('\t')
                .append(t.cacheRead()).append('\t').append(t.ephemeral5m()).append('\t').append(t.ephemeral1h())
                .append('\t');
        decimal(tsv, u.cost().realUsd()).append('\t');
        decimal(tsv, u.cost().ratedUsd()).append('\t');
        text(tsv, u.cost().source().wireName()).append('\t');
        text(tsv, u.cost().pricingVersion()).append('\t');
        text(tsv, u.serviceTier()).append('\t');
        tsv.append(u.longContext() ? '1' : '0').append('\t');
        text(tsv, u.endpoint()).append('\t');
        tsv.append(u.statusCode() == null ? NULL : u.statusCode().toString()).append('\t');
        tsv.append(u.stream() == null ? NULL : u.stream() ? "1" : "0").append('\t');
        tsv.append(u.durationMs() == null ? NULL : u.durationMs().toString()).append('\t');
        text(tsv, u.relayId()).append('\t');
        datetime(tsv, u.receivedAt());
        CostBreakdown cb = u.cost().breakdown();
        if (cb == null) {
            tsv.append("\t\\N\t\\N\t\\N\t\\N\t\\N");
        } else {
            decimal(tsv.append('\t'), cb.input());
            decimal(tsv.append('\t'), cb.output());
            decimal(tsv.append('\t'), cb.cacheWrite5m());
            decimal(tsv.append('\t'), cb.cacheWrite1h());
            decimal(tsv.append('\t'), cb.cacheRead());
        }
        tsv.append('\n');
    }

    /** A string field: {@code \N} for NULL; backslash, tab, newline, carriage return and NUL escaped. */
    static StringBuilder text(StringBuilder tsv, String value) {
        if (value == null) {
            return tsv.append(NULL);
        }
        // Nearly every value needs no escape: appended whole, not char by char (a quarter of the consumer's CPU in writing files).
        int clean = 0;
        while (clean < value.length() && !escaped(value.charAt(clean))) {
            clean++;
        }
        if (clean == value.length()) {
            return tsv.append(value);
        }
        tsv.append(value, 0, clean);
        for (int i = clean; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> tsv.append("\\\\");
                case '\t' -> tsv.append("\\t");
                case '\n' -> tsv.append("\\n");
                case '\r' -> tsv.append("\\r");
                case '\0' -> tsv.append("\\0");
                default -> tsv.append(ch);
            }
        }
        return tsv;
    }

    private static boolean escaped(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\0';
    }

    /** {@code yyyy-MM-dd HH:mm:ss.SSS} in UTC (events carry milliseconds at most); {@code \N} for NULL. */
    static StringBuilder datetime(StringBuilder tsv, Instant instant) {
        if (instant == null) {
            return tsv.append(NULL);
        }
        // Not DateTimeFormatter: 2 of every row's 30 fields, and the formatter was a tenth of the writer's CPU.
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1000 || year > 9999) {
            return tsv.append(DATETIME_3.format(t));
        }
        toSeconds(tsv, t).append('.');
        int millis = t.getNano() / 1_000_000;
        return tsv.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10));
    }

    /** A bucket start, {@code yyyy-MM-dd HH:mm:ss} (whole hours); {@code \N} for NULL. */
    static StringBuilder bucketStart(StringBuilder tsv, LocalDateTime t) {
        if (t == null) {
            return tsv.append(NULL);
        }
        int year = t.getYear();
        if (year < 1000 || year > 9999 || t.getNano() != 0) {
            return tsv.append(DATETIME_3.format(t));
        }
        return toSeconds(tsv, t);
    }

    /** {@code yyyy-MM-dd HH:mm:ss} of a four-digit year. */
    private static StringBuilder toSeconds(StringBuilder tsv, LocalDateTime t) {
        tsv.append(t.getYear()).append('-');
        twoDigits(tsv, t.getMonthValue()).append('-');
        twoDigits(tsv, t.getDayOfMonth()).append(' ');
        twoDigits(tsv, t.getHour()).append(':');
        twoDigits(tsv, t.getMinute()).append(':');
        return twoDigits(tsv, t.getSecond());
    }

    private static StringBuilder twoDigits(StringBuilder tsv, int value) {
        return tsv.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static StringBuilder decimal(StringBuilder tsv, BigDecimal value) {
        return value == null ? tsv.append(NULL) : tsv.append(value.toPlainString());
    }
}
