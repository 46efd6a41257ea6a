package dev.usageledger.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private Instant now = Instant.parse("2025-01-01T00:00:00Z");
    private final InstantSource clock = () -> now;
    private final List<String> lines = new ArrayList<>();

    private Progress phase(long total) {
        return new Progress("P1 pipeline", total, clock, lines::add, Duration.ofSeconds(2));
    }

    @Test
    void printsEventsDoneRateAndEtaOnceTheIntervalHasPassed() {
        Progress p = phase(200_000);
        now = now.plusSeconds(1);
        p.advance(60_000);
        assertThat(lines).as("within the interval: no line").isEmpty();
        now = now.plusSeconds(5);
        p.advance(60_000);
        assertThat(lines).containsExactly("P1 pipeline: 120,000/200,000 events (60%), 20,000/s, ETA 4 s");
    }

    @Test
    void printsAtMostOneLinePerInterval() {
        Progress p = phase(1_000);
        now = now.plusSeconds(2);
        p.advance(1);
        p.advance(1);
        now = now.plusMillis(1_999);
        p.advance(1);
        assertThat(lines).hasSize(1);
        now = now.plusMillis(1);
        p.advance(1);
        assertThat(lines).hasSize(2).last().asString().startsWith("P1 pipeline: 4/1,000 events (0%)");
    }

    @Test
    void aCountReadFromOutsideNeverGoesBack() {
        Progress p = phase(100);
        p.reached(50);
        p.reached(40);
        now = now.plusSeconds(10);
        p.reached(45);
        assertThat(lines).containsExactly("P1 pipeline: 50/100 events (50%), 5/s, ETA 10 s");
    }

    @Test
    void withoutATotalStatesNoPercentageNorEta() {
        Progress p = phase(0);
        now = now.plusSeconds(4);
        p.advance(8_000);
        assertThat(lines).containsExactly("P1 pipeline: 8,000 events, 2,000/s");
    }

    @Test
    void closesWithOneSummaryLineAndIsSilentAfterwards() {
        Progress p = phase(1_000);
        now = now.plusMillis(2_500);
        p.advance(1_000);
        lines.clear();
        p.close();
        p.close();
        now = now.plusSeconds(10);
        p.advance(1);
        assertThat(lines).containsExactly("P1 pipeline: 1,000 events in 2.5 s, 400/s");
    }

    @Test
    void leavesAFinishedPhaseToItsSummaryLine() {
        Progress p = phase(100);
        now = now.plusSeconds(3);
        p.advance(100);
        assertThat(lines).isEmpty();
        p.close();
        assertThat(lines).containsExactly("P1 pipeline: 100 events in 3.0 s, 33/s");
    }

    @Test
    void aStalledPhaseHasNoEta() {
        Progress p = phase(10);
        now = now.plusSeconds(3);
        p.advance(0);
        assertThat(lines).containsExactly("P1 pipeline: 0/10 events (0%), 0/s, ETA unknown");
    }
}
