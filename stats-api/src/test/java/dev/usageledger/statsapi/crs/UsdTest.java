package dev.usageledger.statsapi.crs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UsdTest {

    private static Usd usd(String value) {
        return Usd.of(new BigDecimal(value));
    }

    @Test
    void toFixedIsJavaScriptsOnTheDoubleTiesAwayFromZero() {
        // values JavaScript prints so: 1.005 and 1.255 are stored just below, 0.5 and 2.5 exactly (ties go up)
        assertThat(Usd.toFixed(1.005, 2)).isEqualTo("1.00");
        assertThat(Usd.toFixed(1.255, 2)).isEqualTo("1.25");
        assertThat(Usd.toFixed(0.5, 0)).isEqualTo("1");
        assertThat(Usd.toFixed(2.5, 0)).isEqualTo("3");
        assertThat(Usd.toFixed(-2.5, 0)).isEqualTo("-3");
        assertThat(Usd.toFixed(-0.0000001, 6)).isEqualTo("-0.000000");
        assertThat(Usd.toFixed(0, 6)).isEqualTo("0.000000");
    }

    @Test
    void formatCostFollowsCostCalculatorsThresholds() {
        assertThat(usd("1234.5678").formatCost()).isEqualTo("$1234.57");
        assertThat(usd("1").formatCost()).isEqualTo("$1.00");
        assertThat(usd("0.9999999").formatCost()).isEqualTo("$1.0000");
        assertThat(usd("0.0123456").formatCost()).isEqualTo("$0.0123");
        assertThat(usd("0.001").formatCost()).isEqualTo("$0.0010");
        assertThat(usd("0.000987654").formatCost()).isEqualTo("$0.000988");
        assertThat(usd("0").formatCost()).isEqualTo("$0.000000");
        assertThat(usd("-1.5").formatCost()).isEqualTo("$-1.500000");
        assertThat(usd("0.1234567").fixed6()).isEqualTo("$0.123457");
    }

    @Test
    void theJsonNumberIsTheExactDecimalInPlainNotation() {
        var json = JsonMapper.builder().build();
        assertThat(json.writeValueAsString(usd("0.0000001234"))).isEqualTo("0.0000001234");
        assertThat(json.writeValueAsString(usd("12.3400000000"))).isEqualTo("12.34");
        assertThat(json.writeValueAsString(usd("-0.0000000000"))).isEqualTo("0");
        assertThat(json.writeValueAsString(usd("123456789012.0123456789"))).isEqualTo("123456789012.0123456789");
        assertThat(usd("0.0000004999").rounded6().value()).isEqualByComparingTo("0");
        assertThat(usd("1.2345676").rounded6().value()).isEqualByComparingTo("1.234568");
    }
}
