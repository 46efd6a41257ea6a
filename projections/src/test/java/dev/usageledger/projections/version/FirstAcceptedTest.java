package dev.usageledger.projections.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.version.FirstAccepted.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FirstAcceptedTest {

    private static final Instant T = Instant.parse("2026-11-22T12:00:00.000Z");
    private final FirstAccepted rule = new FirstAccepted(Duration.ofDays(7));

    private static Events.UsageBuilder version(Instant receivedAt) {
        return Events.usage("req_1").withAllOptionals().received(receivedAt);
    }

    @Test
    void theSameCallerSentFieldsAreADuplicateWhateverTheServiceAdded() {
        UsageRecorded counted = version(T).build();
        UsageRecorded again = version(T.minusSeconds(5)).relay("relay-other", T.minusSeconds(5))
                .cost("9", "9").model("normalised-elsewhere").build();

        FirstAccepted.Decision d = rule.decide(counted, again);

        assertThat(d.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(d.differingFields()).isEmpty();
        assertThat(CallerFields.of(counted).fingerprint()).isEqualTo(CallerFields.of(again).fingerprint());
    }

    @Test
    void anEarlierDifferingVersionSwapsInAndNamesTheFieldsThatDiffer() {
        UsageRecorded counted = version(T).key("key_b").tokens(5, 6).build();
        UsageRecorded earlier = version(T.minusMillis(1)).build();

        FirstAccepted.Decision d = rule.decide(counted, earlier);

        assertThat(d.outcome()).isEqualTo(Outcome.SWAP);
        assertThat(d.differingFields()).containsExactly("apiKeyId", "usage.inputTokens", "usage.outputTokens",
                "usage.cacheCreateTokens", "usage.ephemeral5mTokens", "usage.ephemeral1hTokens",
                "usage.cacheReadTokens");
    }

    @Test
    void aLaterDifferingVersionIsAConflictNeverASwap() {
        FirstAccepted.Decision d = rule.decide(version(T).build(), version(T.plusMillis(1)).key("key_b").build());

        assertThat(d.outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(d.differingFields()).containsExactly("apiKeyId");
    }

    @Test
    void anEarlierVersionPastTheHorizonIsRecordedButNeverSwapped() {
        UsageRecorded counted = version(T).build();
        assertThat(rule.decide(counted, version(T.minus(Duration.ofDays(7))).key("key_b").build()).outcome())
                .isEqualTo(Outcome.SWAP);
        assertThat(rule.decide(counted, version(T.minus(Duration.ofDays(7)).minusMillis(1)).key("key_b").build())
                .outcome()).isEqualTo(Outcome.PAST_HORIZON);
    }

    @Test
    void aTieOnReceivedAtIsBrokenByTheFingerprintTheSameWayInEitherOrder() {
        UsageRecorded a = version(T).key("key_a").build();
        UsageRecorded b = version(T).key("key_b").build();

        Outcome aThenB = rule.decide(a, b).outcome();
        Outcome bThenA = rule.decide(b, a).outcome();

        assertThat(java.util.List.of(aThenB, bThenA)).containsExactlyInAnyOrder(Outcome.SWAP, Outcome.CONFLICT);
        // The one that wins is the one with the smaller fingerprint.
        boolean aFirst = java.util.Arrays.compareUnsigned(CallerFields.of(a).fingerprint(),
                CallerFields.of(b).fingerprint()) < 0;
        assertThat(bThenA).isEqualTo(aFirst ? Outcome.SWAP : Outcome.CONFLICT);
    }

    @Test
    void receivedAtCountsInMillisecondsAsTheLedgerKeepsIt() {
        UsageRecorded stored = version(T).key("key_b").build();
        UsageRecorded inFlight = version(T.plusNanos(999_999)).build();

        // Same millisecond: the fingerprint decides, as it would between the two stored rows.
        assertThat(rule.decide(stored, inFlight).outcome())
                .isEqualTo(rule.decide(stored, version(T).build()).outcome());
    }

    @Test
    void aVersionWithoutReceivedAtNeitherReplacesNorIsReplaced() {
        UsageRecorded unordered = version(null).key("key_b").build();
        assertThat(rule.decide(version(T).build(), unordered).outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(rule.decide(unordered, version(T).build()).outcome()).isEqualTo(Outcome.CONFLICT);
    }

    @Test
    void aCostIsCallerSentOnlyWhenTheRelaySentIt() {
        UsageRecorded catalog = version(T).cost("1", "1").build();
        UsageRecorded repriced = version(T.plusSeconds(1)).cost("2", "2").build();
        assertThat(rule.decide(catalog, repriced).outcome()).isEqualTo(Outcome.DUPLICATE);

        UsageRecorded relayPriced = version(T.plusSeconds(1)).cost("2", "2").source(PricingSource.RELAY).build();
        assertThat(rule.decide(catalog, relayPriced).differingFields()).containsExactly("cost");
        UsageRecorded sameAmountOtherScale = version(T.plusSeconds(2)).cost("2.000", "2.0")
                .source(PricingSource.RELAY).build();
        assertThat(rule.decide(relayPriced, sameAmountOtherScale).outcome()).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void adjustmentsCompareTheirOwnFields() {
        var counted = Events.adjustment("adj_1").amounts("-1", "-2").received(T).build();
        var earlier = Events.adjustment("adj_1").amounts("-3", "-2").reason("outage").received(T.minusSeconds(1))
                .build();

        FirstAccepted.Decision d = rule.decide(counted, earlier);

        assertThat(d.outcome()).isEqualTo(Outcome.SWAP);
        assertThat(d.differingFields()).containsExactly("realUsd", "reason");
    }

    @Test
    void theHorizonMustBePositive() {
        assertThatThrownBy(() -> new FirstAccepted(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
