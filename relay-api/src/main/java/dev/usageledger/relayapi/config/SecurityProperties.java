package dev.usageledger.relayapi.config;

import dev.usageledger.relayapi.security.TokenEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens (CONTRACT §0): each property is a comma-separated list of {@code name:token}. For relays the name
 * is the relay node id, recorded as {@code relayId} on every event it sends; for admins it is recorded as
 * {@code requestedBy} on adjustments. One name may hold several tokens (rotation); one token never appears twice.
 *
 * <p>Environment: {@code LEDGER_SECURITY_RELAYTOKENS}, {@code LEDGER_SECURITY_ADMINTOKENS}. Messages never echo a
 * token.
 *
 * @param relayTokens tokens accepted on {@code POST /v1/usage-events}; at least one is required
 * @param adminTokens tokens accepted on {@code POST /v1/cost-adjustments}; none disables that endpoint (401)
 */
@ConfigurationProperties("ledger.security")
public record SecurityProperties(@DefaultValue("") String relayTokens, @DefaultValue("") String adminTokens) {

    public static final String RELAY_PROPERTY = "ledger.security.relay-tokens";
    public static final String ADMIN_PROPERTY = "ledger.security.admin-tokens";

    /** CONTRACT §0: 16–256 characters, no {@code :} or {@code ,}. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public SecurityProperties {
        List<TokenEntry> relays = parse(RELAY_PROPERTY, relayTokens);
        List<TokenEntry> admins = parse(ADMIN_PROPERTY, adminTokens);
        Settings.require(!relays.isEmpty(), RELAY_PROPERTY,
                "must list at least one relay token as name:token (environment LEDGER_SECURITY_RELAYTOKENS)");
        Set<String> seen = new HashSet<>();
        for (TokenEntry relay : relays) {
            seen.add(relay.token());
        }
        for (TokenEntry admin : admins) {
            Settings.require(!seen.contains(admin.token()), ADMIN_PROPERTY,
                    "entry '" + admin.name() + "' reuses a token of " + RELAY_PROPERTY
                            + "; a token is either a relay token or an admin token");
        }
    }

    public List<TokenEntry> relays() {
        return parse(RELAY_PROPERTY, relayTokens);
    }

    public List<TokenEntry> admins() {
        return parse(ADMIN_PROPERTY, adminTokens);
    }

    @Override
    public String toString() {
        return "SecurityProperties[relayTokens=" + relays().size() + " token(s), adminTokens=" + admins().size()
                + " token(s)]";
    }

    static List<TokenEntry> parse(String property, String list) {
        List<TokenEntry> entries = new ArrayList<>();
        if (list == null) {
            return entries;
        }
        Set<String> tokens = new HashSet<>();
        String[] parts = list.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            String where = "entry " + (i + 1);
            Settings.require(colon > 0, property, where + " must be name:token");
            String name = part.substring(0, colon);
            String token = part.substring(colon + 1);
            Settings.require(NAME.matcher(name).matches(), property,
                    where + " has an invalid name: 1 to 64 characters of [A-Za-z0-9._-]");
            Settings.require(TOKEN.matcher(token).matches(), property,
                    where + " (name '" + name + "') has an invalid token: 16 to 256 characters of [A-Za-z0-9._~+/=-]");
            Settings.require(tokens.add(token), property, where + " (name '" + name + "') repeats a token");
            entries.add(new TokenEntry(name, token));
        }
        return List.copyOf(entries);
    }
}
