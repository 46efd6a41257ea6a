package dev.usageledger.stack;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM (same {@code java.home} as this one), its stdout and stderr appended to one log file.
 *
 * <p>Guarantees: every child gets {@code -XX:+ExitOnOutOfMemoryError}; every child still alive
 * when this JVM exits normally or on SIGTERM/SIGINT is sent SIGTERM, then SIGKILL after
 * {@link #EXIT_GRACE} (one shutdown hook for all children, {@link ChildReaper}); if this JVM is SIGKILLed, an
 * {@link OrphanGuard} sends the child SIGTERM within about a second.
 *
 * <pre>{@code
 * JavaProcess app = JavaProcess.builder("relay-api")
 *         .jar(repo.require("relay-api/target/relay-api-exec.jar"))
 *         .jvmArgs("-Xmx256m")
 *         .args("--server.port=" + port)
 *         .logFile(dir.resolve("relay-api.log"))
 *         .start();
 * app.waitForLine("Started RelayApiApplication", Duration.ofSeconds(60));
 * }</pre>
 */
public final class JavaProcess implements AutoCloseable {

    /** How long the exit hook waits after SIGTERM before it SIGKILLs the remaining children. */
    public static final Duration EXIT_GRACE = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(JavaProcess.class);

    private final String name;
    private final Process process;
    private final ProcessLog output;
    private final ProcessMemory memory;
    private final List<String> command;

    private JavaProcess(String name, Process process, ProcessLog output, List<String> command) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.memory = new ProcessMemory(name, process);
        this.command = command;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The {@code java} launcher of the running JVM. */
    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return output.file();
    }

    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status, empty while the process runs. 137 = SIGKILL, 143 = SIGTERM. */
    public OptionalInt exitValue() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Waits for a line containing {@code marker}, written by this run of the process (earlier
     * content of an appended log file is ignored), and returns it.
     *
     * @throws ProcessNotReadyException on timeout or if the process exits first (log tail included)
     */
    public String waitForLine(String marker, Duration timeout) throws InterruptedException {
        return output.waitForLine(process, marker, timeout, this::notReady);
    }

    /**
     * Waits until 127.0.0.1:port accepts connections.
     *
     * @throws ProcessNotReadyException on timeout or if the process exits first (log tail included)
     */
    public void waitForPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Ports.isAccepting(port)) {
            if (!process.isAlive()) {
                throw notReady("exited with status " + process.exitValue() + " before 127.0.0.1:" + port + " accepted connections");
            }
            if (System.nanoTime() - deadline > 0) {
                throw notReady("127.0.0.1:" + port + " did not accept connections within " + timeout);
            }
            Thread.sleep(25);
        }
    }

    /** SIGKILL, then waits for the process to be gone. No shutdown hook of the child runs. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        ChildReaper.release(process);
    }

    /**
     * SIGTERM, waits up to {@code grace} for a clean exit, then SIGKILL.
     *
     * @return the exit status (143 after a clean SIGTERM exit of a JVM, 137 if it had to be killed)
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(grace)) {
                log.warn("{} (pid {}) still alive {} after SIGTERM: sending SIGKILL", name, pid(), grace);
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
            }
        }
        ChildReaper.release(process);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Same as {@code stop(Duration.ofSeconds(10))}. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** Resident set size now, from {@code /proc/<pid>/status} (VmRSS). */
    public long rssBytes() {
        return memory.rssBytes();
    }

    /**
     * Peak resident set size so far (VmHWM). Once the process has exited (an exited child keeps a status without
     * memory lines until it is reaped), the last peak read.
     */
    public long peakRssBytes() {
        return memory.peakRssBytes();
    }

    /** The last {@code lines} lines of the log file (all runs), for diagnostics. */
    public String logTail(int lines) {
        return output.tail(lines);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + output.file() + ")";
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private ProcessNotReadyException notReady(String what) {
        return new ProcessNotReadyException(name + " (pid " + pid() + ") " + what + "; last lines of " + output.file()
                + ":\n" + logTail(40));
    }

    /** Collects the command line; {@link #start()} launches it. Either a main class or a jar. */
    public static final class Builder {

        private final String name;
        private final List<String> classpath = new ArrayList<>();
        private Path jar;
        private String mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private Path workingDirectory;
        private Path logFile;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Adds classpath entries; a directory entry may end in {@code /*} (all jars in it). */
        public Builder classpath(String... entries) {
            classpath.addAll(List.of(entries));
            return this;
        }

        public Builder classpath(Path... entries) {
            for (Path entry : entries) {
                classpath.add(entry.toString());
            }
            return this;
        }

        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        /** Runs {@code java -jar jar} (a Spring Boot executable jar, for instance). */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(List.of(jvmArgs));
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /** Sets an environment variable on top of this JVM's environment. */
        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = workingDirectory;
            return this;
        }

        /** Required. Created with its parent directories; appended to if it exists. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public List<String> command() {
            if ((jar == null) == (mainClass == null)) {
                throw new IllegalStateException(name + ": set exactly one of jar(...) and mainClass(...)");
            }
            List<String> command = new ArrayList<>();
            command.add(javaExecutable().toString());
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.addAll(jvmArgs);
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            if (!classpath.isEmpty()) {
                command.add("-cp");
                command.add(String.join(File.pathSeparator, classpath));
            }
            if (jar != null) {
                command.add("-jar");
                command.add(jar.toString());
            } else {
                command.add(mainClass);
            }
            command.addAll(args);
            return List.copyOf(command);
        }

        public JavaProcess start() throws IOException {
            Objects.requireNonNull(logFile, "logFile");
            List<String> command = command();
            ProcessLog output = ProcessLog.open(logFile);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(output.file().toFile()));
            if (workingDirectory != null) {
                pb.directory(workingDirectory.toFile());
            }
            pb.environment().putAll(environment);
            Process process = pb.start();
            JavaProcess child = new JavaProcess(name, process, output, command);
            ChildReaper.register(process);
            OrphanGuard.guard(process.toHandle());
            log.debug("started {}: {}", child, command);
            return child;
        }
    }
}
