package dev.usageledger.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A child's log file, to which its stdout and stderr are appended: the lines of one run (those written after the
 * size the file had when the run started) and the tail of all runs.
 */
final class ProcessLog {

    private final Path file;
    private final long start;

    private ProcessLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** Creates the file and its parent directories if needed; this run's lines start at the file's current end. */
    static ProcessLog open(Path file) throws IOException {
        Path path = file.toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.writeString(path, "", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ProcessLog(path, Files.size(path));
    }

    Path file() {
        return file;
    }

    /**
     * Waits for a line of this run containing {@code marker} and returns it; lines written before {@code process}
     * exited are still read.
     *
     * @param notReady the exception for a timeout or an exit before the line, given what happened
     */
    String waitForLine(Process process, String marker, Duration timeout,
            Function<String, ProcessNotReadyException> notReady) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long position = start;
        StringBuilder partial = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (true) {
            boolean exited = !process.isAlive();
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(position);
                int n;
                while ((n = raf.read(buffer)) > 0) {
                    position += n;
                    partial.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, newline);
                        partial.delete(0, newline + 1);
                        if (line.contains(marker)) {
                            return line;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + file, e);
            }
            if (exited) {
                throw notReady.apply("exited with status " + process.exitValue() + " before printing '" + marker + "'");
            }
            if (System.nanoTime() - deadline > 0) {
                throw notReady.apply("did not print '" + marker + "' within " + timeout);
            }
            Thread.sleep(25);
        }
    }

    /** The last {@code lines} lines of the file (all runs), for diagnostics. */
    String tail(int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 256L * lines);
            raf.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            raf.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
