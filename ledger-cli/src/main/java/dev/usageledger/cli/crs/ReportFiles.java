package dev.usageledger.cli.crs;

import dev.usageledger.cli.crs.ReportLine.Cause;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The verification report as files, written as its lines arrive: {@code crs-import-<id>.csv} (a header and one line
 * per difference), {@code crs-import-<id>-days.csv} (every key's and account's CRS day: CRS's totals and the
 * baseline's, requests, tokens, real and rated cost) and {@code crs-import-<id>.md} (the import's parameters, a table of
 * the differences, the days compared, the summary line). Counts the differences per cause for the summary.
 */
public final class ReportFiles implements Consumer<ReportLine>, AutoCloseable {

    private final BufferedWriter csv;
    private final BufferedWriter markdown;
    private final BufferedWriter days;
    private final String daysFile;
    private long daysCompared;
    private long daysDiffering;
    private final Map<Cause, Long> counts = new EnumMap<>(Cause.class);

    /** {@code dir} null: no files, counting only. {@code parameters}: "name: value" lines for the Markdown head. */
    public ReportFiles(Path dir, String importId, List<String> parameters) {
        try {
            daysFile = "crs-import-" + importId + "-days.csv";
            if (dir == null) {
                csv = null;
                markdown = null;
                days = null;
                return;
            }
            Files.createDirectories(dir);
            csv = Files.newBufferedWriter(dir.resolve("crs-import-" + importId + ".csv"), StandardCharsets.UTF_8);
            markdown = Files.newBufferedWriter(dir.resolve("crs-import-" + importId + ".md"), StandardCharsets.UTF_8);
            csv.write(ReportLine.HEADER.replace('\t', ',') + "\n");
            days = Files.newBufferedWriter(dir.resolve(daysFile), StandardCharsets.UTF_8);
            days.write(DayTotals.CSV_HEADER + "\n");
            markdown.write("# Claude Relay Service import " + importId + ": verification\n\n");
            for (String p : parameters) {
                markdown.write("- " + p + "\n");
            }
            markdown.write("\n| kind | subject | granularity | bucket | check | measure | CRS | baseline | cause |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir, e);
        }
    }

    @Override
    public void accept(ReportLine line) {
        counts.merge(line.cause(), 1L, Long::sum);
        if (csv == null) {
            return;
        }
        try {
            csv.write(String.join(",", csvField(line.kind()), csvField(line.subject()), line.granularity(),
                    line.bucket(), line.check(), line.measure(), line.crs(), line.baseline(), line.cause().name())
                    + "\n");
            markdown.write("| " + String.join(" | ", markdownField(line.kind()), markdownField(line.subject()),
                    line.granularity(), line.bucket(), line.check(), line.measure(), line.crs(), line.baseline(),
                    line.cause().text()) + " |\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report", e);
        }
    }

    /** One key's or account's day with both totals, into {@code crs-import-<id>-days.csv}. */
    public void day(DayTotals day) {
        daysCompared++;
        if (day.differs()) {
            daysDiffering++;
        }
        if (days == null) {
            return;
        }
        StringBuilder line = new StringBuilder(String.join(",", day.kind(), csvField(day.subject()), day.day()));
        for (long v : day.crs()) {
            line.append(',').append(v);
        }
        line.append(',').append(money(day.crsRealCost())).append(',').append(money(day.crsRatedCost()));
        for (long v : day.baseline()) {
            line.append(',').append(v);
        }
        line.append(',').append(money(day.baselineRealCost())).append(',').append(money(day.baselineRatedCost()))
                .append(',').append(day.unknownCostRequests()).append(',').append(day.differs()).append('\n');
        try {
            days.write(line.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report", e);
        }
    }

    public long count(Cause cause) {
        return counts.getOrDefault(cause, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code N differences, U unexplained (a: cause text, ...)}. */
    public String summary() {
        StringBuilder text = new StringBuilder(total() + " differences, " + count(Cause.UNEXPLAINED) + " unexplained");
        String sep = " (";
        for (var e : counts.entrySet()) {
            text.append(sep).append(e.getValue()).append(": ").append(e.getKey().text());
            sep = "; ";
        }
        return counts.isEmpty() ? text.toString() : text.append(")").toString();
    }

    @Override
    public void close() {
        if (csv == null) {
            return;
        }
        try (csv; markdown; days) {
            markdown.write("\n**Days compared** (every key's and account's CRS day, both totals in `" + daysFile
                    + "`): " + daysCompared + ", " + daysDiffering + " with a difference listed above.\n");
            markdown.write("\n**Summary:** " + summary() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report", e);
        }
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static String money(BigDecimal value) {
        return value == null ? "" : value.toPlainString();
    }

    private static String markdownField(String value) {
        return value.replace("|", "\\|");
    }
}
