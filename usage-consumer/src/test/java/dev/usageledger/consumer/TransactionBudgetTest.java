package dev.usageledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransactionBudgetTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TransactionBudget budget = new TransactionBudget(5_000, 20_000, Duration.ofMillis(500), 30_000, nanos::get);

    @Test
    void onlyAFullPollGathers() {
        assertThat(budget.gathers(5_000, TransactionBudget.UNKNOWN)).isTrue();
        assertThat(budget.gathers(4_999, TransactionBudget.UNKNOWN)).isFalse();
        assertThat(budget.gathers(1, TransactionBudget.UNKNOWN)).isFalse();
    }

    @Test
    void aFullPollGathersOnlyWithAnotherFullPollBehindIt() {
        assertThat(budget.gathers(5_000, 5_000)).isTrue();
        assertThat(budget.gathers(5_000, 120_000)).isTrue();
        assertThat(budget.gathers(5_000, 4_999)).isFalse();
        assertThat(budget.gathers(5_000, 0)).isFalse();
        assertThat(budget.gathers(4_999, 120_000)).isFalse();
    }

    @Test
    void commitsOnceCaughtUpAtTheNextPoll() {
        long opened = budget.now();

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, 10_000)).isFalse();
        assertThat(budget.due(opened, 10_000, 1_000, 5_000, 4_999)).isTrue();
    }

    @Test
    void aBudgetOfLessThanTwoPollsNeverGathers() {
        TransactionBudget onePoll = new TransactionBudget(5_000, 9_999, Duration.ofSeconds(1), 30_000, nanos::get);

        assertThat(onePoll.gathers(5_000, TransactionBudget.UNKNOWN)).isFalse();
    }

    @Test
    void commitsOnceCaughtUp() {
        long opened = budget.now();

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, TransactionBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 5_100, 1_000, 100, TransactionBudget.UNKNOWN)).isTrue();
    }

    @Test
    void commitsBeforeOneMoreFullPollCouldExceedTheEvents() {
        long opened = budget.now();

        assertThat(budget.due(opened, 15_000, 1_000, 5_000, TransactionBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 15_001, 1_000, 5_000, TransactionBudget.UNKNOWN)).isTrue();
        assertThat(budget.due(opened, 20_000, 1_000, 5_000, TransactionBudget.UNKNOWN)).isTrue();
    }

    @Test
    void commitsOnceOpenForTheLongestDelay() {
        long opened = budget.now();
        nanos.addAndGet(Duration.ofMillis(499).toNanos());

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, TransactionBudget.UNKNOWN)).isFalse();
        assertThat(budget.expired(opened)).isFalse();

        nanos.addAndGet(Duration.ofMillis(1).toNanos());

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, TransactionBudget.UNKNOWN)).isTrue();
        assertThat(budget.expired(opened)).isTrue();
    }

    @Test
    void commitsOnceThePollsNoLongerFoldTogether() {
        long opened = budget.now();

        assertThat(budget.due(opened, 5_000, 29_999, 5_000, TransactionBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 5_000, 30_000, 5_000, TransactionBudget.UNKNOWN)).isTrue();
    }
}
