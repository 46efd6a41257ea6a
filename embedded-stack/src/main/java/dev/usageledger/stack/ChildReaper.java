package dev.usageledger.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ends the children still registered when this JVM exits normally or on SIGTERM/SIGINT: one shutdown hook sends
 * them all SIGTERM, then SIGKILL to those still alive after {@link JavaProcess#EXIT_GRACE}.
 */
final class ChildReaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildReaper::stopAllOnExit, "java-process-reaper"));
    }

    private ChildReaper() {}

    static void register(Process child) {
        LIVE.add(child);
    }

    /** The child was stopped otherwise: the hook leaves it alone. */
    static void release(Process child) {
        LIVE.remove(child);
    }

    private static void stopAllOnExit() {
        List<Process> children = new ArrayList<>(LIVE);
        children.forEach(Process::destroy);
        long deadline = System.nanoTime() + JavaProcess.EXIT_GRACE.toNanos();
        for (Process child : children) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                if (!child.waitFor(left, TimeUnit.NANOSECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }
    }
}
