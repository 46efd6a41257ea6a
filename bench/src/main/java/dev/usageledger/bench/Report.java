package dev.usageledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's output: every measurement, the ratios against the targets of issue #3 and the
 * correctness checks, as Markdown ({@code report.md}) and CSV ({@code report.csv}).
 */
final class Report {

    /** A ratio of two measurements of the same invocation, with its target. */
    record Ratio(String name, double value, double target, String unit, boolean atMost, double second) {
        Ratio(String name, double value, double target, String unit, boolean atMost) {
            this(name, value, target, unit, atMost, Double.NaN);
        }

        boolean met() {
            return Double.isNaN(target) || (atMost ? value <= target : value >= target);
        }
    }

    /** A correctness check; the run fails if any does not pass. */
    record Check(String name, boolean passed, String detail) {}

    private final String header;
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(String header) {
        this.header = header;
    }

    void add(Measurement m) {
        measurements.add(m);
    }

    /** A figure that must be at least {@code target}. */
    void ratio(String name, double value, double target, String unit) {
        ratios.add(new Ratio(name, value, target, unit, false));
    }

    /** A figure that must be at most {@code limit}. */
    void limit(String name, double value, double limit, String unit) {
        ratios.add(new Ratio(name, value, limit, unit, true));
    }

    /**
     * A figure without a target (shown as {@code value} or {@code value / second} when {@code second} is a
     * number).
     */
    void figure(String name, double value, double second, String unit) {
        ratios.add(new Ratio(name, value, Double.NaN, unit, false, second));
    }

    void check(String name, boolean passed, String detail) {
        checks.add(new Check(name, passed, detail));
    }

    void note(String note) {
        notes.add(note);
    }

    boolean checksPassed() {
        return checks.stream().allMatch(Check::passed);
    }

    String markdown() {
        StringBuilder md = new StringBuilder(header).append("\n\n");
        md.append("| scenario | profile | writer | events | seconds | events/s | how |\n");
        md.append("|---|---|---|---:|---:|---:|---|\n");
        for (Measurement m : measurements) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %.2f | %,.0f | %s |%n", m.scenario(),
                    m.profile(), m.writer(), m.events(), m.elapsed().toNanos() / 1e9, m.eventsPerSecond(), m.note()));
        }
        if (!ratios.isEmpty()) {
            md.append("\n| figure | value | target | met |\n|---|---:|---:|---|\n");
            for (Ratio r : ratios) {
                if (Double.isNaN(r.target())) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | — | — |%n", r.name(), Double.isNaN(r.second())
                            ? format(r.value(), r.unit())
                            : format(r.value(), r.unit()) + " / " + format(r.second(), r.unit())));
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s |%n", r.name(), format(r.value(), r.unit()),
                        r.atMost() ? "≤" : "≥", format(r.target(), r.unit()), r.met() ? "yes" : "**no**"));
            }
        }
        md.append("\n| correctness check | result | detail |\n|---|---|---|\n");
        for (Check c : checks) {
            md.append("| ").append(c.name()).append(" | ").append(c.passed() ? "passed" : "**FAILED**").append(" | ")
                    .append(c.detail().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        md.append("\nCorrectness: ").append(checksPassed() ? "PASSED" : "FAILED").append('\n');
        for (String n : notes) {
            md.append("\n- ").append(n);
        }
        return md.append('\n').toString();
    }

    String csv() {
        StringBuilder csv = new StringBuilder("kind,scenario,profile,name,events,seconds,value,target,ok\n");
        for (Measurement m : measurements) {
            csv.append(String.format(Locale.ROOT, "measurement,%s,%s,%s,%d,%.3f,%.1f,,%n", m.scenario(), m.profile(),
                    m.writer(), m.events(), m.elapsed().toNanos() / 1e9, m.eventsPerSecond()));
        }
        for (Ratio r : ratios) {
            csv.append(String.format(Locale.ROOT, "ratio,,,\"%s\",,,%.4f,%s,%s%n", r.name(), r.value(),
                    Double.isNaN(r.target()) ? "" : String.format(Locale.ROOT, "%.4f", r.target()), r.met()));
            if (!Double.isNaN(r.second())) {
                csv.append(String.format(Locale.ROOT, "ratio,,,\"%s (second)\",,,%.4f,,true%n", r.name(),
                        r.second()));
            }
        }
        for (Check c : checks) {
            csv.append(String.format(Locale.ROOT, "check,,,\"%s\",,,,,%s%n", c.name(), c.passed()));
        }
        return csv.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown());
        Files.writeString(dir.resolve("report.csv"), csv());
    }

    private static String format(double value, String unit) {
        return switch (unit) {
            case "x" -> String.format(Locale.ROOT, "%.2f×", value);
            case "MB" -> String.format(Locale.ROOT, "%.0f MB", value);
            default -> String.format(Locale.ROOT, "%.2f %s", value, unit);
        };
    }
}
