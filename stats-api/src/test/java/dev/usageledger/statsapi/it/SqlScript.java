package dev.usageledger.statsapi.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements of a plain SQL file as the mysql client runs it: {@code --} comment lines dropped, statements ended by
 * a {@code ;} at the end of a line. Enough for the project's own files in {@code sql/} and {@code deploy/}, which keep
 * to that layout; not a general SQL parser.
 */
final class SqlScript {

    private SqlScript() {}

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("a statement without its closing ';': " + current);
        }
        return statements;
    }
}
