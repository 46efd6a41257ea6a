package dev.usageledger.relayapi.config;

import dev.usageledger.common.Settings;
import dev.usageledger.common.security.TokenEntry;
import dev.usageledger.common.security.TokenKind;
import dev.usageledger.common.security.TokenLists;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens (CONTRACT §0), parsed and checked by {@link TokenLists}. For relays the name is the relay node id,
 * recorded as {@code relayId} on every event it sends; for admins it is recorded as {@code requestedBy} on
 * adjustments. relay-api serves no reads, so it takes no analyst tokens.
 *
 * <p>Environment: {@code LEDGER_SECURITY_RELAYTOKENS}, {@code LEDGER_SECURITY_ADMINTOKENS}. Messages never echo a
 * token.
 *
 * @param relayTokens tokens accepted on {@code POST /v1/usage-events}; at least one is required
 * @param adminTokens tokens accepted on {@code POST /v1/cost-adjustments}; none disables that endpoint (401)
 */
@ConfigurationProperties("ledger.security")
public record SecurityProperties(@DefaultValue("") String relayTokens, @DefaultValue("") String adminTokens) {

    public static final String RELAY_PROPERTY = TokenKind.RELAY.property();
    public static final String ADMIN_PROPERTY = TokenKind.ADMIN.property();

    public SecurityProperties {
        Settings.require(!lists(relayTokens, adminTokens).of(TokenKind.RELAY).isEmpty(), RELAY_PROPERTY,
                "must list at least one relay token as name:token (environment LEDGER_SECURITY_RELAYTOKENS)");
    }

    /** The parsed tokens (no analyst tokens). */
    public TokenLists tokens() {
        return lists(relayTokens, adminTokens);
    }

    public List<TokenEntry> relays() {
        return tokens().of(TokenKind.RELAY);
    }

    public List<TokenEntry> admins() {
        return tokens().of(TokenKind.ADMIN);
    }

    @Override
    public String toString() {
        return "SecurityProperties[relayTokens=" + relays().size() + " token(s), adminTokens=" + admins().size()
                + " token(s)]";
    }

    private static TokenLists lists(String relayTokens, String adminTokens) {
        return TokenLists.parse(Map.of(TokenKind.RELAY, relayTokens == null ? "" : relayTokens,
                TokenKind.ADMIN, adminTokens == null ? "" : adminTokens));
    }
}
