package dev.usageledger.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usageledger.common.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenListsTest {

    private static final String TOKEN = "abcdefghijklmnop";

    @Test
    void parsesEveryKindAndTreatsAMissingListAsEmpty() {
        TokenLists lists = TokenLists.parse(Map.of(TokenKind.ANALYST, "finance:" + TOKEN + ", bi:" + TOKEN + "2"));

        assertThat(lists.of(TokenKind.ANALYST)).extracting(TokenEntry::name).containsExactly("finance", "bi");
        assertThat(lists.of(TokenKind.RELAY)).isEmpty();
        assertThat(lists.of(TokenKind.ADMIN)).isEmpty();
        assertThat(lists.toString()).doesNotContain(TOKEN).contains("analyst=2");
    }

    @Test
    void refusesAnAnalystTokenThatIsAlsoARelayTokenNamingTheAnalystProperty() {
        assertThatThrownBy(() -> TokenLists.parse(Map.of(TokenKind.RELAY, "node:" + TOKEN,
                TokenKind.ANALYST, "finance:" + TOKEN)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ledger.security.analyst-tokens ")
                .hasMessageContaining("ledger.security.relay-tokens")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void refusesAMalformedAnalystEntryNamingItsProperty() {
        assertThatThrownBy(() -> TokenLists.parse(Map.of(TokenKind.ANALYST, "finance:short")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ledger.security.analyst-tokens entry 1");
    }
}
