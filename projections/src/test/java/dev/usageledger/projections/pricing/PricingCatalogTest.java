package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import dev.usageledger.projections.value.ModelNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class PricingCatalogTest {

    private final PricingCatalog bundled = PricingCatalog.bundled();

    @Test
    void bundledSnapshotCoversTheModelsTheIssueNames() {
        assertThat(bundled.models())
                .contains(
                        "claude-opus-4-1-20250805",
                        "claude-opus-4-5-20251101",
                        "claude-sonnet-4-20250514",
                        "claude-sonnet-4-5-20250929",
                        "claude-3-5-haiku-20241022",
                        "claude-haiku-4-5-20251001",
                        "gpt-4o",
                        "gpt-4.1",
                        "gpt-5",
                        "o3",
                        "o4-mini",
                        "gemini-2.5-pro",
                        "gemini-2.5-flash",
                        "claude-3-7-sonnet-20250219",
                        "claude-opus-4-20250514",
                        "gpt-4o-mini",
                        "o1",
                        "gemini-2.0-flash",
                        "deepseek-chat",
                        "deepseek-reasoner");
    }

    @Test
    void bundledSnapshotHoldsExactlyLiteLlmsChatAndResponsesModelsWithTokenPrices() {
        // SOURCES.md: 1,982 entries of BerriAI/litellm 4c1b15d6, mode chat or responses, input and output priced
        assertThat(bundled.models()).hasSize(1_982);
        for (String model : bundled.models()) {
            ModelPrice price = bundled.find(model).orElseThrow();
            assertThat(price.mode()).as(model).isIn("chat", "responses");
            assertThat(price.standard().input()).as(model).isNotNull();
            assertThat(price.standard().output()).as(model).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0} is priced as {1}")
    @CsvSource({
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0, claude-3-7-sonnet-20250219",
        "anthropic.claude-opus-4-20250514-v1:0, claude-opus-4-20250514",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929",
        "claude-opus-4-20250514, claude-opus-4-20250514",
        "gpt-4o-mini, gpt-4o-mini",
        "o1, o1",
        "gemini-2.0-flash, gemini-2.0-flash",
        "deepseek-chat, deepseek-chat",
        "deepseek-reasoner, deepseek-reasoner",
        "us.amazon.nova-pro-v1:0, amazon.nova-pro-v1:0",
        "us.meta.llama3-3-70b-instruct-v1:0, meta.llama3-3-70b-instruct-v1:0",
    })
    void aNormalisedNameFindsItsCanonicalEntryFirstThenABedrockKey(String sent, String entry) {
        assertThat(bundled.find(ModelNames.normalise(sent)).orElseThrow().model()).isEqualTo(entry);
    }

    @Test
    void providerPrefixedKeysAreFoundOnlyByTheirExactName() {
        assertThat(bundled.find("deepseek/deepseek-chat").orElseThrow().model()).isEqualTo("deepseek/deepseek-chat");
        PricingCatalog prefixedOnly = PricingCatalog.parse("""
                {"openrouter/vendor/model-x": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06}}
                """.getBytes(StandardCharsets.UTF_8), "test:prefixed");
        assertThat(prefixedOnly.find("model-x")).isEmpty();
        assertThat(prefixedOnly.find("vendor/model-x")).isEmpty();
    }

    @Test
    void ofSeveralBedrockKeysWithOneNormalisedNameTheShortestWins() {
        PricingCatalog regional = PricingCatalog.parse("""
                {"jp.vendor.model-v1:0": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1e-06},
                 "vendor.model-v1:0": {"input_cost_per_token": 2e-06, "output_cost_per_token": 1e-06},
                 "eu.vendor.model-v1:0": {"input_cost_per_token": 4e-06, "output_cost_per_token": 1e-06}}
                """.getBytes(StandardCharsets.UTF_8), "test:regional");
        assertThat(regional.find(ModelNames.normalise("eu.vendor.model-v1:0")).orElseThrow().model())
                .isEqualTo("vendor.model-v1:0");
    }

    @Test
    void parsesPricesExactlyNotThroughDouble() {
        ModelPrice o4mini = bundled.find("o4-mini").orElseThrow();
        // 1.1e-06 and 4.4e-06 have no exact double; parsed as BigDecimal they are exact.
        assertThat(o4mini.standard().input()).isEqualByComparingTo("0.0000011");
        assertThat(o4mini.standard().output()).isEqualByComparingTo("0.0000044");
        assertThat(o4mini.standard().cacheRead()).isEqualByComparingTo("0.000000275");
        ModelPrice gpt4o = bundled.find("gpt-4o").orElseThrow();
        assertThat(gpt4o.priority().cacheRead()).isEqualByComparingTo("0.000002125");
    }

    @Test
    void keepsDigitsADoubleCannotHold() {
        byte[] json = "{\"m\": {\"input_cost_per_token\": 1.00000000000000000001e-06}}"
                .getBytes(StandardCharsets.UTF_8);
        ModelPrice m = PricingCatalog.parse(json, "test:precise").find("m").orElseThrow();
        assertThat(m.standard().input()).isEqualByComparingTo("0.00000100000000000000000001");
    }

    @Test
    void readsEveryPriceVariantOfAnEntry() {
        ModelPrice sonnet = bundled.find("claude-sonnet-4-5-20250929").orElseThrow();
        assertThat(sonnet.provider()).isEqualTo("anthropic");
        assertThat(sonnet.mode()).isEqualTo("chat");
        assertSamePrices(sonnet.standard(), prices("3e-06", "1.5e-05", "3.75e-06", null, "3e-07"));
        assertThat(sonnet.tiers()).singleElement().satisfies(tier -> {
            assertThat(tier.aboveTokens()).isEqualTo(200_000L);
            assertSamePrices(tier.standard(), prices("6e-06", "2.25e-05", "7.5e-06", null, "6e-07"));
            assertThat(tier.priority().isAbsent()).isTrue();
        });
        assertThat(sonnet.priority().isAbsent()).isTrue();

        ModelPrice bedrockSonnet = bundled.find("anthropic.claude-3-5-sonnet-20241022-v2:0").orElseThrow();
        assertThat(bedrockSonnet.tiers().get(0).standard().cacheWrite1h())
                .as("cache_creation_input_token_cost_above_1hr_above_200k_tokens")
                .isNotNull();

        ModelPrice gpt5 = bundled.find("gpt-5").orElseThrow();
        assertSamePrices(gpt5.priority(), prices("2.5e-06", "2e-05", null, null, "2.5e-07"));
    }

    @Test
    void skipsLiteLlmSampleSpecAndIgnoresUnknownFields() {
        PricingCatalog tiny = TestCatalogs.tiny();
        assertThat(tiny.models()).doesNotContain("sample_spec");
        assertThat(tiny.find("sub-unit-model")).isPresent();
    }

    @Test
    void versionIsSha256OfTheRawBytes() throws Exception {
        byte[] bytes = TestCatalogs.TINY_JSON.getBytes(StandardCharsets.UTF_8);
        String expected = "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        assertThat(TestCatalogs.tiny().version()).isEqualTo(expected);
        assertThat(bundled.version()).matches("sha256:[0-9a-f]{16}");
    }

    @Test
    void aFilePathReplacesTheSnapshotAndChangesTheVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, TestCatalogs.TINY_JSON);

        PricingCatalog fromFile = PricingCatalog.fromFile(file);

        assertThat(fromFile.version()).isNotEqualTo(bundled.version());
        assertThat(fromFile.origin()).isEqualTo(file.toString());
        assertThat(fromFile.find("claude-bare-4")).isPresent();
        assertThat(fromFile.find("claude-sonnet-4-5-20250929")).as("the snapshot is replaced, not merged").isEmpty();
    }

    @Test
    void findsExactNameFirst() {
        assertThat(bundled.find("claude-opus-4-1-20250805").orElseThrow().model()).isEqualTo("claude-opus-4-1-20250805");
    }

    @Test
    void fallsBackFromADatedClaudeNameToItsUndatedAlias() {
        PricingCatalog tiny = TestCatalogs.tiny();
        assertThat(tiny.find("claude-bare-4-20990101").orElseThrow().model()).isEqualTo("claude-bare-4");
    }

    @Test
    void neverMatchesFuzzily() {
        PricingCatalog tiny = TestCatalogs.tiny();
        assertThat(tiny.find("claude-bare")).isEmpty();
        assertThat(tiny.find("claude-bare-4-turbo")).isEmpty();
        assertThat(tiny.find("claudebare4")).isEmpty();
        assertThat(tiny.find("gpt-bare-20990101")).as("only Claude names fall back").isEmpty();
        assertThat(bundled.find("claude-sonnet-4")).isEmpty();
        assertThat(bundled.find(null)).isEmpty();
    }

    @Test
    void rejectsAPriceThatIsNotANumberNamingModelAndField() {
        byte[] json = "{\"m\": {\"input_cost_per_token\": \"3e-06\"}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PricingCatalog.parse(json, "test:bad"))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining("test:bad")
                .hasMessageContaining("m.input_cost_per_token");
    }

    @Test
    void readsAPlainTokenThresholdAndRejectsTwoNamesForOneThreshold() {
        byte[] plain = "{\"m\": {\"input_cost_per_token\": 1e-06, \"input_cost_per_token_above_5000_tokens\": 2e-06}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(PricingCatalog.parse(plain, "test:plain").find("m").orElseThrow().tiers())
                .extracting(PromptTier::aboveTokens).containsExactly(5_000L);
        byte[] twice = ("{\"m\": {\"input_cost_per_token_above_5k_tokens\": 2e-06,"
                + " \"output_cost_per_token_above_5000_tokens\": 2e-06}}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PricingCatalog.parse(twice, "test:twice"))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining("m.output_cost_per_token_above_5000_tokens");
    }

    @Test
    void rejectsACatalogWithoutModels() {
        assertThatThrownBy(() -> PricingCatalog.parse("{}".getBytes(StandardCharsets.UTF_8), "test:empty"))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining("test:empty");
    }

    @Test
    void rejectsANegativePrice() {
        byte[] json = "{\"m\": {\"output_cost_per_token\": -1e-06}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PricingCatalog.parse(json, "test:bad"))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining("m.output_cost_per_token");
    }

    @Test
    void rejectsMalformedJsonAndAMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> PricingCatalog.parse("{".getBytes(StandardCharsets.UTF_8), "test:broken"))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining("test:broken");
        assertThatThrownBy(() -> PricingCatalog.parse("[]".getBytes(StandardCharsets.UTF_8), "test:array"))
                .isInstanceOf(InvalidPricingCatalogException.class);
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> PricingCatalog.fromFile(missing))
                .isInstanceOf(InvalidPricingCatalogException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void treatsJsonNullAsAbsent() {
        byte[] json = "{\"m\": {\"input_cost_per_token\": null, \"output_cost_per_token\": 0}}"
                .getBytes(StandardCharsets.UTF_8);
        ModelPrice m = PricingCatalog.parse(json, "test:null").find("m").orElseThrow();
        assertThat(m.standard().input()).isNull();
        assertThat(m.standard().output()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    /** Equal in value, whatever the BigDecimal scale. */
    static void assertSamePrices(TokenPrices actual, TokenPrices expected) {
        assertThat(actual)
                .usingRecursiveComparison()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .isEqualTo(expected);
    }

    static TokenPrices prices(String in, String out, String write5m, String write1h, String read) {
        return new TokenPrices(dec(in), dec(out), dec(write5m), dec(write1h), dec(read));
    }

    private static BigDecimal dec(String value) {
        return value == null ? null : new BigDecimal(value);
    }
}
