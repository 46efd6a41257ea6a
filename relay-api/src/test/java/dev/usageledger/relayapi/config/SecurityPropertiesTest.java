package dev.usageledger.relayapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.security.TokenEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityPropertiesTest {

    private static final String TOKEN = "abcdefghijklmnop";

    @Test
    void parsesCommaSeparatedNameTokenPairs() {
        SecurityProperties p = new SecurityProperties(
                " node-1:" + TOKEN + " , node-2:A1._~+/=-xxxxxxxxxxx,", "ops:" + TOKEN + "Z");

        assertThat(p.relays()).extracting(TokenEntry::name).containsExactly("node-1", "node-2");
        assertThat(p.relays().get(1).token()).isEqualTo("A1._~+/=-xxxxxxxxxxx");
        assertThat(p.admins()).extracting(TokenEntry::name).containsExactly("ops");
    }

    @Test
    void neverShowsATokenInToStringOrMessages() {
        SecurityProperties p = new SecurityProperties("node-1:" + TOKEN, "");
        assertThat(p.toString()).doesNotContain(TOKEN);
        assertThat(p.relays().get(0).toString()).doesNotContain(TOKEN);
        assertThatThrownBy(() -> new SecurityProperties("node-1:" + TOKEN + ",node-2:" + TOKEN, ""))
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void requiresAtLeastOneRelayToken() {
        assertThatThrownBy(() -> new SecurityProperties("", "ops:" + TOKEN))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ledger.security.relay-tokens ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"short:abc", "node:" + "x" + ":" + "yyyyyyyyyyyyyyyyyy", "no-colon-here-at-all",
            ":abcdefghijklmnop", "node name:abcdefghijklmnop", "node:abcdefghijklmnop!", "node:abcdefgh ijklmnop"})
    void refusesAMalformedEntryNamingTheProperty(String entry) {
        assertThatThrownBy(() -> new SecurityProperties(entry, ""))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ledger.security.relay-tokens entry 1");
    }

    @Test
    void refusesATokenLongerThan256Characters() {
        assertThatThrownBy(() -> new SecurityProperties("node:" + "a".repeat(257), ""))
                .hasMessageStartingWith("ledger.security.relay-tokens entry 1");
        assertThat(new SecurityProperties("node:" + "a".repeat(256), "").relays()).hasSize(1);
    }

    @Test
    void refusesATokenThatIsBothARelayAndAnAdminToken() {
        assertThatThrownBy(() -> new SecurityProperties("node:" + TOKEN, "ops:" + TOKEN))
                .hasMessageStartingWith("ledger.security.admin-tokens ");
    }

    @Test
    void refusesAnInvalidAdminTokenNamingItsProperty() {
        assertThatThrownBy(() -> new SecurityProperties("node:" + TOKEN, "ops:short"))
                .hasMessageStartingWith("ledger.security.admin-tokens entry 1");
    }
}
