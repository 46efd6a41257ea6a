package dev.usageledger.relayapi.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonotonicInstantsTest {

    @Test
    void neverGoesBackwardsWhenTheWallClockIsSteppedBack() {
        Deque<Instant> wall = new ArrayDeque<>(List.of(Instant.parse("2026-11-22T10:00:00.500999Z"),
                Instant.parse("2026-11-22T09:59:59Z"), Instant.parse("2026-11-22T10:00:01Z")));
        MonotonicInstants clock = new MonotonicInstants(wall::poll);

        assertThat(List.of(clock.instant(), clock.instant(), clock.instant())).containsExactly(
                Instant.parse("2026-11-22T10:00:00.500Z"), Instant.parse("2026-11-22T10:00:00.500Z"),
                Instant.parse("2026-11-22T10:00:01Z"));
    }
}
