package dev.usageledger.projections.value;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929",
        "eu.anthropic.claude-3-5-haiku-20241022-v1:0, claude-3-5-haiku-20241022",
        "apac.anthropic.claude-sonnet-4-20250514-v1:0, claude-sonnet-4-20250514",
        "jp.anthropic.claude-haiku-4-5-20251001-v1:0, claude-haiku-4-5-20251001",
        "global.anthropic.claude-opus-4-5-20251101-v1:0, claude-opus-4-5-20251101",
        "anthropic.claude-opus-4-1-20250805-v1:0, claude-opus-4-1-20250805",
        "anthropic.claude-sonnet-4-5-20250929-v2:1, claude-sonnet-4-5-20250929",
        "claude-sonnet-4-5-20250929:latest, claude-sonnet-4-5-20250929",
        "llama3:latest, llama3",
    })
    void stripsRegionVendorAndVersionSuffixes(String sent, String normalised) {
        assertThat(ModelNames.normalise(sent)).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "{0} stays")
    @CsvSource({
        "claude-sonnet-4-5-20250929",
        "gpt-5",
        "o4-mini",
        "gemini-2.5-pro",
        "usa.model",
        "claude-v1:0-preview",
        "Claude-Sonnet-4-5",
    })
    void leavesOtherNamesAsSent(String sent) {
        assertThat(ModelNames.normalise(sent)).isEqualTo(sent);
    }

    @Test
    void stripsOnlyOneRegionPrefix() {
        assertThat(ModelNames.normalise("us.eu.anthropic.claude-x")).isEqualTo("eu.anthropic.claude-x");
    }

    @Test
    void keepsNull() {
        assertThat(ModelNames.normalise(null)).isNull();
    }

    @Test
    void isIdempotent() {
        String once = ModelNames.normalise("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(ModelNames.normalise(once)).isEqualTo(once);
    }
}
