package dev.usageledger.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the CLI in-process as {@code ./ledger} would, capturing stdout, stderr and the exit code. */
public record Cli(int code, String out, String err) {

    public static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LedgerCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** stdout's lines after the header. */
    public List<String> rows() {
        List<String> lines = new ArrayList<>(Arrays.asList(out.split("\n")));
        lines.removeIf(String::isBlank);
        return lines.isEmpty() ? lines : lines.subList(1, lines.size());
    }

    /** The cells of a cell report's rows: table, granularity, bucket start, subject, model. */
    List<String> cells() {
        return rows().stream().map(r -> String.join("\t", Arrays.asList(r.split("\t")).subList(0, 5)))
                .distinct().toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
