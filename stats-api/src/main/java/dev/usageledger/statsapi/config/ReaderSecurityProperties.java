package dev.usageledger.statsapi.config;

import dev.usageledger.common.Settings;
import dev.usageledger.common.security.TokenKind;
import dev.usageledger.common.security.TokenLists;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens of stats-api (CONTRACT §0): analyst and admin tokens read; at least one of them is required. Relay
 * tokens may be listed too (the same {@code LEDGER_SECURITY_RELAYTOKENS} as relay-api's), only so that a token
 * configured as both a relay and a reader token fails the boot; a relay token never reads.
 */
@ConfigurationProperties("ledger.security")
public record ReaderSecurityProperties(@DefaultValue("") String relayTokens, @DefaultValue("") String analystTokens,
        @DefaultValue("") String adminTokens) {

    public ReaderSecurityProperties {
        TokenLists lists = lists(relayTokens, analystTokens, adminTokens);
        Settings.require(!lists.of(TokenKind.ANALYST).isEmpty() || !lists.of(TokenKind.ADMIN).isEmpty(),
                TokenKind.ANALYST.property(), "must list at least one analyst token as name:token (environment "
                        + TokenKind.ANALYST.environment() + "), or " + TokenKind.ADMIN.property() + " an admin token");
    }

    public TokenLists tokens() {
        return lists(relayTokens, analystTokens, adminTokens);
    }

    @Override
    public String toString() {
        return "ReaderSecurityProperties[" + tokens() + "]";
    }

    private static TokenLists lists(String relayTokens, String analystTokens, String adminTokens) {
        return TokenLists.parse(Map.of(TokenKind.RELAY, relayTokens == null ? "" : relayTokens,
                TokenKind.ANALYST, analystTokens == null ? "" : analystTokens,
                TokenKind.ADMIN, adminTokens == null ? "" : adminTokens));
    }
}
