package dev.usageledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another way to run usage-consumer in P1, measured side by side with the default run on the same
 * topic: another build of the app (e.g. main's jar, to compare a change with what it replaces in one
 * invocation) and/or extra application arguments (e.g. a setting under trial).
 *
 * @param label what the report calls it
 * @param jar   the usage-consumer executable jar to run, or {@code null} for this build's
 * @param args  extra application arguments, appended after the bench's own (so they win)
 * @param jvmArgs extra JVM options, appended after {@code AppJvmArgs.USAGE_CONSUMER} (so they win)
 */
record ConsumerVariant(String label, Path jar, List<String> args, List<String> jvmArgs) {

    ConsumerVariant {
        if (!label.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("a variant label is 1 to 32 of [A-Za-z0-9._-], was '" + label + "'");
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("variant " + label + ": no such jar " + jar);
        }
        args = List.copyOf(args);
        jvmArgs = List.copyOf(jvmArgs);
    }

    /**
     * Parses {@code label=ARG ARG …}, arguments separated by blanks; an argument {@code jar:PATH} names
     * the jar, {@code jvm:OPTION} is a JVM option (e.g. {@code jvm:-Xms192m}), every other one is passed to the app, e.g.
     * {@code main=jar:/tmp/main-consumer-exec.jar} or {@code srv=--spring.datasource.hikari.data-source-properties.useServerPrepStmts=true}.
     */
    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    static ConsumerVariant parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a variant is label=ARGS, was '" + spec + "'");
        }
        // The label names topics, databases and report rows.
        if (!LABEL.matcher(spec.substring(0, eq)).matches()) {
            throw new IllegalArgumentException("a label is 1-40 of A-Z a-z 0-9 _ . -, was '" + spec.substring(0, eq)
                    + "'");
        }
        Path jar = null;
        List<String> args = new ArrayList<>();
        List<String> jvmArgs = new ArrayList<>();
        for (String token : spec.substring(eq + 1).trim().split("\\s+")) {
            if (token.startsWith("jar:")) {
                jar = Path.of(token.substring(4));
            } else if (token.startsWith("jvm:")) {
                jvmArgs.add(token.substring(4));
            } else if (!token.isEmpty()) {
                args.add(token);
            }
        }
        return new ConsumerVariant(spec.substring(0, eq), jar, args, jvmArgs);
    }

    /** The report's description of the run. */
    String describe() {
        return (jar == null ? "" : "jar " + jar.getFileName() + " ") + String.join(" ", jvmArgs)
                + (jvmArgs.isEmpty() ? "" : " ") + String.join(" ", args);
    }
}
