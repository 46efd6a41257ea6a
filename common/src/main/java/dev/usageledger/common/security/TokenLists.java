package dev.usageledger.common.security;

import dev.usageledger.common.InvalidSettingException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configured tokens of every kind (CONTRACT §0), parsed from comma-separated lists of {@code name:token}. One
 * name may hold several tokens (rotation); one token never appears twice, within a list or across kinds. A bad entry
 * fails with an {@link InvalidSettingException} naming the property; no message or {@link #toString()} ever shows a
 * token. Immutable.
 */
public final class TokenLists {

    /** 16–256 characters, no {@code :} or {@code ,}. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<TokenKind, List<TokenEntry>> entries;

    private TokenLists(Map<TokenKind, List<TokenEntry>> entries) {
        this.entries = entries;
    }

    /**
     * Parses each kind's list (a missing kind, {@code null} or blank list has no tokens). A token listed under two
     * kinds is refused, naming the property of the later kind in {@link TokenKind} order.
     */
    public static TokenLists parse(Map<TokenKind, String> lists) {
        Map<TokenKind, List<TokenEntry>> parsed = new EnumMap<>(TokenKind.class);
        Map<String, TokenKind> kindOfToken = new HashMap<>();
        for (TokenKind kind : TokenKind.values()) {
            List<TokenEntry> list = parse(kind.property(), lists.get(kind));
            for (TokenEntry entry : list) {
                TokenKind earlier = kindOfToken.putIfAbsent(entry.token(), kind);
                require(earlier == null, kind.property(), "entry '" + entry.name() + "' reuses a token of "
                        + (earlier == null ? "" : earlier.property()) + "; a token has exactly one kind");
            }
            parsed.put(kind, list);
        }
        return new TokenLists(parsed);
    }

    public List<TokenEntry> of(TokenKind kind) {
        return entries.get(kind);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TokenLists[");
        entries.forEach((kind, list) -> text.append(kind.name().toLowerCase(Locale.ROOT)).append('=')
                .append(list.size()).append(" token(s) "));
        return text.toString().strip() + "]";
    }

    private static List<TokenEntry> parse(String property, String list) {
        List<TokenEntry> entries = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>();
        String[] parts = list.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            String where = "entry " + (i + 1);
            require(colon > 0, property, where + " must be name:token");
            String name = part.substring(0, colon);
            String token = part.substring(colon + 1);
            require(NAME.matcher(name).matches(), property,
                    where + " has an invalid name: 1 to 64 characters of [A-Za-z0-9._-]");
            require(TOKEN.matcher(token).matches(), property,
                    where + " (name '" + name + "') has an invalid token: 16 to 256 characters of [A-Za-z0-9._~+/=-]");
            require(!tokens.contains(token), property, where + " (name '" + name + "') repeats a token");
            tokens.add(token);
            entries.add(new TokenEntry(name, token));
        }
        return List.copyOf(entries);
    }

    private static void require(boolean condition, String property, String problem) {
        if (!condition) {
            throw new InvalidSettingException(property, problem);
        }
    }
}
