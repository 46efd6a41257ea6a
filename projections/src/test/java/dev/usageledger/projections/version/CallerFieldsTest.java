package dev.usageledger.projections.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import org.junit.jupiter.api.Test;

/** An adjustment's requestId (schema version 2) among its caller-sent fields, only when it names one. */
class CallerFieldsTest {

    @Test
    void aNamedRequestDiffersFromNoneWhicheverVersionIsAsked() {
        CostAdjusted named = Events.adjustment("adj_1").correcting("req_1").build();
        CostAdjusted unnamed = Events.adjustment("adj_1").build();

        assertThat(CallerFields.of(named).differingFields(CallerFields.of(unnamed))).containsExactly("requestId");
        assertThat(CallerFields.of(unnamed).differingFields(CallerFields.of(named))).containsExactly("requestId");
        assertThat(CallerFields.of(named).fingerprint()).isNotEqualTo(CallerFields.of(unnamed).fingerprint());
    }

    @Test
    void anAdjustmentNamingNoRequestIsTheSameWhateverItsVersion() {
        CostAdjusted v1 = Events.adjustment("adj_2").version(1).build();
        CostAdjusted v2 = Events.adjustment("adj_2").build();

        assertThat(CallerFields.of(v1).differingFields(CallerFields.of(v2))).isEmpty();
        assertThat(CallerFields.of(v1).fingerprint()).isEqualTo(CallerFields.of(v2).fingerprint());
    }
}
