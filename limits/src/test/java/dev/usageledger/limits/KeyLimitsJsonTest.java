package dev.usageledger.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class KeyLimitsJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static KeyLimitsJson.Parsed parse(String json) {
        return KeyLimitsJson.parse(JSON.readTree(json));
    }

    @Test
    void readsTheContractExampleAndWritesItBack() {
        String example = """
                {"windowSeconds":60,"requestsPerWindow":100,"tokensPerWindow":0,"costPerWindowUsd":"0",\
                "concurrency":5,"leaseSeconds":300,"dailyCostUsd":"10","totalCostUsd":"0",\
                "weeklyCostUsd":"0","weeklyResetDay":1,"weeklyResetHour":0,"shadow":false}""";
        KeyLimitsJson.Parsed parsed = parse(example);
        assertThat(parsed.violations()).isEmpty();
        assertThat(parsed.limits().dailyCostUsd()).isEqualTo(new BigDecimal("10"));
        assertThat(KeyLimitsJson.write(parsed.limits()).toString()).isEqualTo(example);
    }

    @Test
    void aMissingFieldIsZero() {
        assertThat(parse("{}").limits()).isEqualTo(KeyLimits.NONE);
        assertThat(parse("{\"dailyCostUsd\": 2.50}").limits().dailyCostUsd()).isEqualTo(new BigDecimal("2.5"));
    }

    @Test
    void aConcurrencyLimitWithoutALeaseLengthGetsTheDefault() {
        assertThat(parse("{\"concurrency\": 5}").limits().leaseSeconds()).isEqualTo(600);
        assertThat(parse("{\"concurrency\": 5, \"leaseSeconds\": 0}").limits().leaseSeconds()).isEqualTo(600);
        assertThat(parse("{\"concurrency\": 5, \"leaseSeconds\": 30}").limits().leaseSeconds()).isEqualTo(30);
        assertThat(parse("{\"leaseSeconds\": 30}").limits().leaseSeconds()).isEqualTo(30);
        assertThat(parse("{\"concurrency\": 0}").limits().leaseSeconds()).isZero();
    }

    @Test
    void namesTheBrokenField() {
        assertThat(parse("{\"requestsPerWindow\": 10}").violations()).extracting(v -> v.field())
                .containsExactly("windowSeconds");
        assertThat(parse("{\"concurrency\": 2, \"leaseSeconds\": 86401}").violations()).extracting(v -> v.field())
                .containsExactly("leaseSeconds");
        assertThat(parse("{\"dailyCostUsd\": \"-1\"}").violations()).extracting(v -> v.field())
                .containsExactly("dailyCostUsd");
        assertThat(parse("{\"dailyCostUsd\": \"0.00000000001\"}").violations()).extracting(v -> v.field())
                .containsExactly("dailyCostUsd");
        assertThat(parse("{\"weeklyResetHour\": 24}").violations()).extracting(v -> v.field())
                .containsExactly("weeklyResetHour");
        assertThat(parse("{\"windowSeconds\": \"60\"}").violations()).extracting(v -> v.field())
                .containsExactly("windowSeconds");
        assertThat(parse("{\"requestPerWindow\": 10}").violations()).extracting(v -> v.field())
                .containsExactly("requestPerWindow");
        assertThat(parse("[]").violations()).extracting(v -> v.field()).containsExactly("body");
    }

    @Test
    void moneyIsHeldInExactUnitsOfTenToTheMinusTen() {
        assertThat(UsdUnits.toUnits(new BigDecimal("1.5"))).isEqualTo(15_000_000_000L);
        assertThat(UsdUnits.fromUnits(1)).isEqualTo(new BigDecimal("0.0000000001"));
        assertThat(UsdUnits.toUnits(UsdUnits.MAX_USD)).isEqualTo(9_000_000_000_000_000_000L);
    }
}
