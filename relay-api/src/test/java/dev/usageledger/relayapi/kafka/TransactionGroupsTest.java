package dev.usageledger.relayapi.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransactionGroupsTest {

    /** Long enough never to be reached unless a committer is stuck; no test waits for it to pass. */
    private static final long STUCK_SECONDS = 30;
    private static final long FAR = Long.MAX_VALUE / 2;

    private final AtomicLong clock = new AtomicLong();
    private final List<List<String>> transactions = new CopyOnWriteArrayList<>();
    private final List<Long> deadlines = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private volatile String failWhenContains;
    private TransactionGroups<String> groups;

    private TransactionGroups<String> groups(int committers, int maxItems) {
        groups = new TransactionGroups<>((items, deadline) -> {
            if (transactions.isEmpty()) {
                firstStarted.countDown();
                releaseFirst.await(STUCK_SECONDS, TimeUnit.SECONDS);
            }
            transactions.add(List.copyOf(items));
            deadlines.add(deadline);
            if (failWhenContains != null && items.contains(failWhenContains)) {
                throw new IllegalStateException("broker said no");
            }
        }, committers, maxItems, clock::get, Thread::new);
        return groups;
    }

    @AfterEach
    void close() throws InterruptedException {
        releaseFirst.countDown();
        if (groups != null) {
            groups.close(STUCK_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Submits a, waits until the only committer is inside a's transaction (the next submissions must queue). */
    private CompletableFuture<Void> occupyTheCommitter() throws InterruptedException {
        CompletableFuture<Void> a = groups.submit(List.of("a"), FAR);
        assertThat(firstStarted.await(STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
        return a;
    }

    private static void done(CompletableFuture<?>... futures) throws Exception {
        for (CompletableFuture<?> f : futures) {
            f.get(STUCK_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsTheSubmissionsThatWaitedForABusyCommitterAsOneTransactionInOrder() throws Exception {
        groups(1, 100);
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> b = groups.submit(List.of("b1", "b2"), FAR);
        CompletableFuture<Void> c = groups.submit(List.of("c1"), FAR);

        releaseFirst.countDown();
        done(a, b, c);

        assertThat(transactions).containsExactly(List.of("a"), List.of("b1", "b2", "c1"));
    }

    @Test
    void neverSplitsASubmissionAndKeepsAGroupWithinMaxItems() throws Exception {
        groups(1, 3);
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> b = groups.submit(List.of("b1", "b2"), FAR);
        CompletableFuture<Void> c = groups.submit(List.of("c1", "c2"), FAR);
        CompletableFuture<Void> d = groups.submit(List.of("d1"), FAR);
        CompletableFuture<Void> e = groups.submit(List.of("e1", "e2", "e3", "e4"), FAR);

        releaseFirst.countDown();
        done(a, b, c, d, e);

        assertThat(transactions).containsExactly(List.of("a"), List.of("b1", "b2"), List.of("c1", "c2", "d1"),
                List.of("e1", "e2", "e3", "e4"));
    }

    @Test
    void failsEveryMemberOfAFailedTransactionAndRunsTheNextOne() throws Exception {
        groups(1, 100);
        failWhenContains = "c";
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> b = groups.submit(List.of("b"), FAR);
        CompletableFuture<Void> c = groups.submit(List.of("c"), FAR);

        releaseFirst.countDown();
        done(a);
        for (CompletableFuture<Void> member : List.of(b, c)) {
            assertThatThrownBy(() -> member.get(STUCK_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasRootCauseMessage("broker said no");
        }
        done(groups.submit(List.of("d"), FAR));
        assertThat(transactions).containsExactly(List.of("a"), List.of("b", "c"), List.of("d"));
    }

    @Test
    void neverRunsASubmissionWhoseDeadlinePassedWhileItWaited() throws Exception {
        groups(1, 100);
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> late = groups.submit(List.of("late"), 100);
        CompletableFuture<Void> onTime = groups.submit(List.of("on-time"), 1_000);

        clock.set(100);
        releaseFirst.countDown();
        done(a, onTime);

        assertThatThrownBy(() -> late.get(STUCK_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(transactions).containsExactly(List.of("a"), List.of("on-time"));
    }

    @Test
    void givesTheTransactionTheEarliestDeadlineOfItsMembers() throws Exception {
        groups(1, 100);
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> b = groups.submit(List.of("b"), 900);
        CompletableFuture<Void> c = groups.submit(List.of("c"), 500);

        releaseFirst.countDown();
        done(a, b, c);

        assertThat(deadlines).containsExactly(FAR, 500L);
    }

    @Test
    void runsWhatWasQueuedWhenClosedAndRefusesSubmissionsAfterwards() throws Exception {
        groups(1, 100);
        CompletableFuture<Void> a = occupyTheCommitter();
        CompletableFuture<Void> b = groups.submit(List.of("b"), FAR);

        Thread closing = new Thread(() -> {
            try {
                groups.close(STUCK_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.start();
        while (closing.getState() != Thread.State.TIMED_WAITING) { // closed, now waiting for the committer
            Thread.onSpinWait();
        }
        releaseFirst.countDown();
        closing.join();
        done(a, b);

        assertThat(transactions).containsExactly(List.of("a"), List.of("b"));
        assertThatThrownBy(() -> groups.submit(List.of("c"), FAR)).isInstanceOf(RejectedExecutionException.class);
    }
}
