package dev.usageledger.bench;

import java.time.Duration;

/**
 * CPU time (user + system, from {@code /proc} through {@link ProcessHandle.Info#totalCpuDuration}) of the app
 * under test ({@code appPid}, or none: {@code -1}), the broker ({@code -1}: not ours to see) and this JVM, so that a
 * pass can say what each spent per event — a figure that, unlike a rate, does not depend on what else shares the
 * machine (much).
 */
record CpuTime(long appPid, long brokerPid) {

    record Mark(long app, long broker, long self) {}

    Mark mark() {
        return new Mark(nanos(appPid), nanos(brokerPid), nanos(ProcessHandle.current().pid()));
    }

    /** {@code "; CPU µs/event: relay-api 41, broker 25, client 8"}, or {@code ""} when nothing could be read. */
    String since(Mark before, long events, String app, String self) {
        Mark now = mark();
        StringBuilder out = new StringBuilder();
        append(out, app, before.app(), now.app(), events);
        append(out, "broker", before.broker(), now.broker(), events);
        append(out, self, before.self(), now.self(), events);
        return out.isEmpty() ? "" : "; CPU µs/event: " + out;
    }

    private static void append(StringBuilder out, String name, long before, long after, long events) {
        if (name == null || before < 0 || after < 0 || events <= 0) {
            return;
        }
        out.append(out.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(Math.round((after - before) / 1_000.0 / events));
    }

    private static long nanos(long pid) {
        if (pid < 0) {
            return -1;
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }
}
