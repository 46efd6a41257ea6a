package dev.usageledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The benchmark's output: a header, then every scenario's {@link Findings} (measurements, figures against
 * their targets, correctness checks, notes), as Markdown ({@code report.md}) and CSV ({@code report.csv}).
 */
final class Report {

    private final String header;
    private final Findings all = new Findings();

    Report(String header) {
        this.header = header;
    }

    /** Adds a scenario's findings after those already reported. */
    void include(Findings findings) {
        all.addAll(findings);
    }

    boolean checksPassed() {
        return all.checksPassed();
    }

    String markdown() {
        StringBuilder md = new StringBuilder(header).append("\n\n");
        md.append("| scenario | profile | writer | events | seconds | events/s | how |\n");
        md.append("|---|---|---|---:|---:|---:|---|\n");
        for (Measurement m : all.measurements) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %.2f | %,.0f | %s |%n", m.scenario(),
                    m.profile(), m.writer(), m.events(), m.elapsed().toNanos() / 1e9, m.eventsPerSecond(), m.note()));
        }
        if (!all.ratios.isEmpty()) {
            md.append("\n| figure | value | target | met |\n|---|---:|---:|---|\n");
            for (Findings.Ratio r : all.ratios) {
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
        for (Findings.Check c : all.checks) {
            md.append("| ").append(c.name()).append(" | ").append(c.passed() ? "passed" : "**FAILED**").append(" | ")
                    .append(c.detail().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        md.append("\nCorrectness: ").append(checksPassed() ? "PASSED" : "FAILED").append('\n');
        for (String n : all.notes) {
            md.append("\n- ").append(n);
        }
        return md.append('\n').toString();
    }

    String csv() {
        StringBuilder csv = new StringBuilder("kind,scenario,profile,name,events,seconds,value,target,ok\n");
        for (Measurement m : all.measurements) {
            csv.append(String.format(Locale.ROOT, "measurement,%s,%s,%s,%d,%.3f,%.1f,,%n", m.scenario(), m.profile(),
                    m.writer(), m.events(), m.elapsed().toNanos() / 1e9, m.eventsPerSecond()));
        }
        for (Findings.Ratio r : all.ratios) {
            csv.append(String.format(Locale.ROOT, "ratio,,,\"%s\",,,%.4f,%s,%s%n", r.name(), r.value(),
                    Double.isNaN(r.target()) ? "" : String.format(Locale.ROOT, "%.4f", r.target()), r.met()));
            if (!Double.isNaN(r.second())) {
                csv.append(String.format(Locale.ROOT, "ratio,,,\"%s (second)\",,,%.4f,,true%n", r.name(),
                        r.second()));
            }
        }
        for (Findings.Check c : all.checks) {
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
