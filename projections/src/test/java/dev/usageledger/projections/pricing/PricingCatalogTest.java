package dev.usageledger.projections.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
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
                        "gemini-2.5-flash");
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
        assertSamePrices(sonnet.standard(), prices("3e-06", "1.5e-05", "3.75e-06", "6e-06", "3e-07"));
        assertSamePrices(sonnet.above200k(), prices("6e-06", "2.25e-05", "7.5e-06", "1.2e-05", "6e-07"));
        assertThat(sonnet.priority().isAbsent()).isTrue();

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

        PricingCatalog fromFile = PricingCatalog.loadOrBundled(file);

        assertThat(fromFile.version()).isNotEqualTo(bundled.version());
        assertThat(fromFile.origin()).isEqualTo(file.toString());
        assertThat(fromFile.find("claude-bare-4")).isPresent();
        assertThat(fromFile.find("claude-sonnet-4-5-20250929")).as("the snapshot is replaced, not merged").isEmpty();
        assertThat(PricingCatalog.loadOrBundled(null).version()).isEqualTo(bundled.version());
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
