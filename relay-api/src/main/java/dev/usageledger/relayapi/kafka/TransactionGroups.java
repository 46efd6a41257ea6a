package dev.usageledger.relayapi.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Group commit: the submissions that wait while every committer is busy are run together, in submission order, as
 * one transaction. A fixed number of committer threads each run one transaction at a time, so at most that many are
 * in flight; a committer that becomes free takes every waiting submission, up to {@code maxItems} items (a single
 * submission larger than that is taken alone), and runs them as one.
 *
 * <p>What a submitter can rely on: its items are in exactly one transaction, whole, with those of other submissions;
 * its future completes normally only when that transaction succeeded, and exceptionally, with the transaction's
 * failure, when it did not — then no item of any submission of that group was committed. A submission whose deadline
 * passed before a committer took it is never run (its future fails with a {@link TimeoutException}). The group's
 * deadline, passed to the transaction, is the earliest of its members'.
 *
 * @param <T> one item of a submission (here a Kafka record)
 */
final class TransactionGroups<T> implements AutoCloseable {

    /** Runs one transaction of {@code items}; throws when it did not commit. */
    @FunctionalInterface
    interface Transaction<T> {
        void run(List<T> items, long deadlineNanos) throws Exception;
    }

    private record Submission<T>(List<T> items, long deadlineNanos, CompletableFuture<Void> done) {}

    private final Transaction<T> transaction;
    private final int maxItems;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final ArrayDeque<Submission<T>> queue = new ArrayDeque<>();
    private final List<Thread> committers;
    private boolean closed;

    /**
     * @param committers how many transactions may run at once (one thread each)
     * @param maxItems   most items of one grouped transaction
     * @param nanoTime   the clock of the deadlines ({@link System#nanoTime} in production)
     */
    TransactionGroups(Transaction<T> transaction, int committers, int maxItems, LongSupplier nanoTime,
            ThreadFactory threads) {
        if (committers < 1 || maxItems < 1) {
            throw new IllegalArgumentException("committers and maxItems must be at least 1");
        }
        this.transaction = Objects.requireNonNull(transaction, "transaction");
        this.maxItems = maxItems;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        List<Thread> started = new ArrayList<>(committers);
        for (int i = 0; i < committers; i++) {
            Thread thread = threads.newThread(this::commitLoop);
            started.add(thread);
            thread.start();
        }
        this.committers = List.copyOf(started);
    }

    /**
     * Queues {@code items} for the next free committer; the future completes once their transaction committed.
     *
     * @throws RejectedExecutionException after {@link #close()}
     */
    CompletableFuture<Void> submit(List<T> items, long deadlineNanos) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                throw new RejectedExecutionException("closed");
            }
            queue.addLast(new Submission<>(List.copyOf(items), deadlineNanos, done));
            waiting.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    private void commitLoop() {
        List<Submission<T>> group;
        while ((group = nextGroup()) != null) {
            long now = nanoTime.getAsLong();
            List<Submission<T>> live = new ArrayList<>(group.size());
            for (Submission<T> s : group) {
                if (s.deadlineNanos() - now <= 0) {
                    s.done().completeExceptionally(new TimeoutException("the deadline passed before a committer was free"));
                } else {
                    live.add(s);
                }
            }
            if (!live.isEmpty()) {
                run(live);
            }
        }
    }

    private void run(List<Submission<T>> group) {
        List<T> items = new ArrayList<>();
        long deadline = group.get(0).deadlineNanos();
        for (Submission<T> s : group) {
            items.addAll(s.items());
            if (s.deadlineNanos() - deadline < 0) {
                deadline = s.deadlineNanos();
            }
        }
        try {
            transaction.run(items, deadline);
        } catch (Throwable failure) {
            // Reported to every member (the publisher logs and answers); the committer lives on for the next group.
            group.forEach(s -> s.done().completeExceptionally(failure));
            return;
        }
        group.forEach(s -> s.done().complete(null));
    }

    /** The next group, in submission order; {@code null} once closed and drained. */
    private List<Submission<T>> nextGroup() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                waiting.awaitUninterruptibly();
            }
            List<Submission<T>> group = new ArrayList<>();
            int items = 0;
            do {
                Submission<T> next = queue.peekFirst();
                if (!group.isEmpty() && items + next.items().size() > maxItems) {
                    break;
                }
                queue.pollFirst();
                group.add(next);
                items += next.items().size();
            } while (!queue.isEmpty());
            if (!queue.isEmpty()) {
                waiting.signal();
            }
            return group;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new submissions, lets the committers run what is queued and in flight for at most {@code timeout}, then
     * fails whatever is left.
     */
    void close(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            waiting.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread t : committers) {
            TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
        }
        lock.lock();
        try {
            Submission<T> left;
            while ((left = queue.pollFirst()) != null) {
                left.done().completeExceptionally(new RejectedExecutionException("closed"));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(10, TimeUnit.SECONDS);
    }
}
