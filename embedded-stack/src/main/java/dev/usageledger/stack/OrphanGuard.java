package dev.usageledger.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Makes a child process die with this JVM even when this JVM is SIGKILLed (a failsafe timeout, a
 * killed IDE run), which no shutdown hook survives: a small {@code sh} loop outside the JVM polls
 * both pids every second; when this JVM is gone it sends the child SIGTERM, and SIGKILL 10 s
 * later. The loop ends by itself when the child ends first. Linux/Unix only.
 */
public final class OrphanGuard {

    private OrphanGuard() {
    }

    public static void guard(ProcessHandle child) {
        long parent = ProcessHandle.current().pid();
        long pid = child.pid();
        String script = "while kill -0 " + parent + " 2>/dev/null; do kill -0 " + pid + " 2>/dev/null || exit 0; sleep 1; done; "
                + "kill -TERM " + pid + " 2>/dev/null || exit 0; "
                + "i=0; while [ $i -lt 10 ]; do kill -0 " + pid + " 2>/dev/null || exit 0; sleep 1; i=$((i+1)); done; "
                + "kill -KILL " + pid + " 2>/dev/null; exit 0";
        try {
            new ProcessBuilder("sh", "-c", script)
                    .redirectInput(Redirect.from(new File("/dev/null")))
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan guard for pid " + pid, e);
        }
    }

    /**
     * Guards the first direct child of this JVM whose command line ({@code /proc/<pid>/cmdline},
     * which redis-server rewrites to {@code path 127.0.0.1:PORT}) contains all {@code fragments}:
     * for servers started by libraries that do not expose their {@link Process}.
     */
    static Optional<ProcessHandle> guardChild(String... fragments) {
        Optional<ProcessHandle> child = ProcessHandle.current().children()
                .filter(p -> {
                    String commandLine = commandLine(p.pid());
                    return Arrays.stream(fragments).allMatch(commandLine::contains);
                })
                .findFirst();
        child.ifPresent(OrphanGuard::guard);
        return child;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
