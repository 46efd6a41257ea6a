package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class LimitKeysTest {

    @Test
    void everyKeyOfOneApiKeyCarriesTheSameHashTag() {
        assertThat(LimitKeys.admissionKeys("key:7f.a-b", 1000, LocalDate.of(2026, 3, 4),
                LocalDateTime.of(2026, 3, 2, 8, 0)))
                .containsExactly("ul:{key:7f.a-b}:wr:1000", "ul:{key:7f.a-b}:wt:1000", "ul:{key:7f.a-b}:wc:1000",
                        "ul:{key:7f.a-b}:cd:2026-03-04", "ul:{key:7f.a-b}:cw:2026-03-02T08", "ul:{key:7f.a-b}:ct",
                        "ul:{key:7f.a-b}:ls");
    }

    @Test
    void theAdmissionKeysAreTheNamesTheSingleKeyMethodsGiveAndRefuseABadIdToo() {
        LocalDate day = LocalDate.of(2026, 3, 4);
        LocalDateTime week = LocalDateTime.of(2026, 3, 2, 8, 0);
        assertThat(LimitKeys.admissionKeys("k", 250, day, week)).containsExactly(LimitKeys.windowRequests("k", 250),
                LimitKeys.windowTokens("k", 250), LimitKeys.windowCost("k", 250), LimitKeys.dailyCost("k", day),
                LimitKeys.weeklyCost("k", week), LimitKeys.totalCost("k"), LimitKeys.leases("k"));
        assertThatThrownBy(() -> LimitKeys.admissionKeys("a}b", 250, day, week))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketsAreAtMostOneSixtiethOfTheWindow() {
        assertThat(LimitKeys.bucketMillis(60)).isEqualTo(1000);
        assertThat(LimitKeys.bucketMillis(1)).isEqualTo(16);
        assertThat(LimitKeys.bucketMillis(604_800)).isEqualTo(10_080_000);
    }

    @Test
    void aLeaseIdNamesItsKey() {
        String lease = LimitKeys.leaseId("key:1", "abc");
        assertThat(lease).isEqualTo("key:1~abc");
        assertThat(LimitKeys.apiKeyOfLease(lease)).contains("key:1");
        assertThat(LimitKeys.apiKeyOfLease("nolease")).isEmpty();
        assertThat(LimitKeys.apiKeyOfLease("~abc")).isEmpty();
        assertThat(LimitKeys.apiKeyOfLease("key{x}~abc")).isEmpty();
    }

    @Test
    void refusesIdsThatCouldBreakTheHashTag() {
        assertThatThrownBy(() -> LimitKeys.totalCost("a}b")).isInstanceOf(IllegalArgumentException.class);
    }
}
