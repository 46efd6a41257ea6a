package dev.usageledger.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A child's resident memory, read from {@code /proc/<pid>/status} (Linux). */
final class ProcessMemory {

    private final String name;
    private final Process process;
    /** The largest VmHWM read so far: what {@link #peakRssBytes()} answers once the process has exited. */
    private volatile long lastPeakRss;

    ProcessMemory(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /** Resident set size now (VmRSS). */
    long rssBytes() {
        return statusBytes("VmRSS:");
    }

    /**
     * Peak resident set size so far (VmHWM). Once the process has exited (an exited child keeps a status without
     * memory lines until it is reaped), the last peak read.
     */
    long peakRssBytes() {
        try {
            lastPeakRss = Math.max(lastPeakRss, statusBytes("VmHWM:"));
        } catch (IllegalStateException e) {
            if (process.isAlive()) {
                throw e;
            }
        }
        return lastPeakRss;
    }

    private long statusBytes(String key) {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            throw new IllegalStateException(key + " not found in " + status);
        } catch (IOException e) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") has no " + status + ": not running?", e);
        }
    }
}
