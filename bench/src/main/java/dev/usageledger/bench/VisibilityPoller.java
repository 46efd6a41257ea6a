package dev.usageledger.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Visibility checks on one connection kept open for the whole run (a connection per poll cost the starved
 * machine ~100 connection set-ups a second) with one prepared statement per batch size, on a thread of its own
 * (polls between sends would delay the schedule). Each poll walks the pending batches oldest first and stops at
 * the first one not yet visible, so that a lagging consumer is not also given thousands of primary-key lookups (of the id claims) a
 * poll in the MariaDB it writes to.
 */
final class VisibilityPoller implements AutoCloseable {

    /** A batch relay-api accepted: its request ids, when (nanoTime), and whether its latency counts. */
    record Sent(List<String> ids, long acceptedAt, boolean measured) {}

    private static final long POLL_MS = 10;
    private static final int BATCH = FreshnessRun.BATCH;

    private final Connection connection;
    private final PreparedStatement full;
    private final ConcurrentLinkedQueue<Sent> pending;
    private final List<Long> sink;
    private final Thread thread;
    private volatile boolean running = true;

    VisibilityPoller(Connection connection, ConcurrentLinkedQueue<Sent> pending, List<Long> sink) throws SQLException {
        this.connection = connection;
        this.full = connection.prepareStatement(countSql(BATCH));
        this.pending = pending;
        this.sink = sink;
        this.thread = new Thread(this::loop, "p4-visibility-poller");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            poll();
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Removes from {@code pending} the oldest batches now fully visible; records the measured ones' latency in ms. */
    private void poll() {
        try {
            for (Iterator<Sent> it = pending.iterator(); it.hasNext(); ) {
                Sent s = it.next();
                if (!visible(s.ids())) {
                    return;
                }
                long seen = System.nanoTime();
                it.remove();
                if (s.measured()) {
                    sink.add(Math.max(0, (seen - s.acceptedAt()) / 1_000_000));
                }
            }
        } catch (SQLException notYet) {
            // the consumer's Flyway has not created the tables yet
            if (Boolean.getBoolean("bench.debug")) {
                System.err.println("P4 poll: " + notYet);
            }
        }
    }

    private boolean visible(List<String> ids) throws SQLException {
        if (ids.size() == BATCH) {
            return count(full, ids) == ids.size();
        }
        try (PreparedStatement ps = connection.prepareStatement(countSql(ids.size()))) {
            return count(ps, ids) == ids.size();
        }
    }

    private static long count(PreparedStatement ps, List<String> ids) throws SQLException {
        for (int i = 0; i < ids.size(); i++) {
            ps.setString(i + 1, ids.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String countSql(int n) {
        // The claims commit with the ledger rows and the stats, and their key starts with the id (the ledger's does not).
        return "SELECT COUNT(*) FROM ledger_event_ids WHERE event_kind = 'U' AND event_id IN (" + "?,".repeat(n - 1) + "?)";
    }

    @Override
    public void close() throws SQLException {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
