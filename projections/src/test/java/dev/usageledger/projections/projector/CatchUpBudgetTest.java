package dev.usageledger.projections.projector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a consumer that is behind gathers polls into one transaction, and when it commits. */
class CatchUpBudgetTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final CatchUpBudget budget = new CatchUpBudget(5_000, 20_000, Duration.ofMillis(500), 30_000, nanos::get);

    @Test
    void onlyAFullPollGathers() {
        assertThat(budget.gathers(5_000, CatchUpBudget.UNKNOWN)).isTrue();
        assertThat(budget.gathers(4_999, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(budget.gathers(1, CatchUpBudget.UNKNOWN)).isFalse();
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
        CatchUpBudget onePoll = new CatchUpBudget(5_000, 9_999, nanos::get);
        CatchUpBudget twoPolls = new CatchUpBudget(5_000, 10_000, nanos::get);

        assertThat(onePoll.gathers(5_000, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(twoPolls.gathers(5_000, CatchUpBudget.UNKNOWN)).isTrue();
    }

    @Test
    void theBudgetAloneKeepsTheStatsRowsAndTheLongestOpenTimeOfGathering() {
        CatchUpBudget defaults = new CatchUpBudget(5_000, 100_000, nanos::get);
        long opened = defaults.now();

        assertThat(defaults.due(opened, 5_000, CatchUpBudget.MAX_STATS_ROWS - 1, 5_000, 10_000)).isFalse();
        assertThat(defaults.due(opened, 5_000, CatchUpBudget.MAX_STATS_ROWS, 5_000, 10_000)).isTrue();
        nanos.addAndGet(CatchUpBudget.MAX_OPEN.toNanos());
        assertThat(defaults.due(opened, 5_000, 1_000, 5_000, 10_000)).isTrue();
    }

    @Test
    void commitsOnceCaughtUp() {
        long opened = budget.now();

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 5_100, 1_000, 100, CatchUpBudget.UNKNOWN)).isTrue();
    }

    @Test
    void commitsBeforeOneMoreFullPollCouldExceedTheEvents() {
        long opened = budget.now();

        assertThat(budget.due(opened, 15_000, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 15_001, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isTrue();
        assertThat(budget.due(opened, 20_000, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isTrue();
    }

    @Test
    void commitsOnceOpenForTheLongestDelay() {
        long opened = budget.now();
        nanos.addAndGet(Duration.ofMillis(499).toNanos());

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(budget.expired(opened)).isFalse();

        nanos.addAndGet(Duration.ofMillis(1).toNanos());

        assertThat(budget.due(opened, 5_000, 1_000, 5_000, CatchUpBudget.UNKNOWN)).isTrue();
        assertThat(budget.expired(opened)).isTrue();
    }

    @Test
    void commitsOnceThePollsNoLongerFoldTogether() {
        long opened = budget.now();

        assertThat(budget.due(opened, 5_000, 29_999, 5_000, CatchUpBudget.UNKNOWN)).isFalse();
        assertThat(budget.due(opened, 5_000, 30_000, 5_000, CatchUpBudget.UNKNOWN)).isTrue();
    }
}
