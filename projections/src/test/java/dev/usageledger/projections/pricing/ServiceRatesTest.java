package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceRatesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "claude, claude",
        "claude-official, claude",
        "claude-console, claude",
        "ccr, ccr",
        "bedrock, bedrock",
        "gemini, gemini",
        "openai, codex",
        "openai-responses, codex",
        "azure, azure",
        "azure-openai, azure",
        "droid, droid",
    })
    void mapsAccountTypesAsCrsDoes(String accountType, String service) {
        assertThat(ServiceRates.serviceOf(accountType, "gpt-5")).isEqualTo(service);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "claude-sonnet-4-5-20250929, claude",
        "gpt-5, codex",
        "o1, codex",
        "o3, codex",
        "o4-mini, codex",
        "codex-mini-latest, codex",
        "gemini-2.5-pro, gemini",
        "llama-3.3-70b, claude",
    })
    void infersServiceFromModelWhenAccountTypeIsUnknown(String model, String service) {
        assertThat(ServiceRates.serviceOf(null, model)).isEqualTo(service);
        assertThat(ServiceRates.serviceOf("some-new-platform", model)).isEqualTo(service);
    }

    @Test
    void defaultsToClaudeWhenNothingIsKnown() {
        assertThat(ServiceRates.serviceOf(null, null)).isEqualTo("claude");
    }

    @Test
    void ratedIsRealTimesGlobalTimesKeyRate() {
        ServiceRates rates = new ServiceRates(
                Map.of("codex", new BigDecimal("1.5")), Map.of("key-1", Map.of("codex", new BigDecimal("0.8"))));

        assertThat(rates.rated(new BigDecimal("0.0387500000"), "key-1", "codex")).isEqualTo(new BigDecimal("0.0465000000"));
        assertThat(rates.rated(new BigDecimal("0.0387500000"), "key-2", "codex")).isEqualTo(new BigDecimal("0.0581250000"));
        assertThat(rates.rated(new BigDecimal("0.0387500000"), "key-1", "claude")).isEqualTo(new BigDecimal("0.0387500000"));
    }

    @Test
    void unconfiguredRatesAreOne() {
        assertThat(ServiceRates.NONE.globalRate("claude")).isEqualByComparingTo("1");
        assertThat(ServiceRates.NONE.keyRate("any", "claude")).isEqualByComparingTo("1");
        assertThat(ServiceRates.NONE.keyRate(null, "claude")).isEqualByComparingTo("1");
    }

    @Test
    void ratedIsRoundedToTenDigitsHalfEven() {
        ServiceRates rates = new ServiceRates(Map.of("claude", new BigDecimal("2.5")), Map.of());
        // 1e-10 × 2.5 = 2.5e-10 -> 2e-10
        assertThat(rates.rated(new BigDecimal("0.0000000001"), null, "claude")).isEqualTo(new BigDecimal("0.0000000002"));
    }

    @Test
    void rejectsNegativeRates() {
        assertThatThrownBy(() -> new ServiceRates(Map.of("claude", new BigDecimal("-1")), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("global/claude");
        assertThatThrownBy(() -> new ServiceRates(Map.of(), Map.of("k", Map.of("codex", new BigDecimal("-0.1")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key k/codex");
    }
}
