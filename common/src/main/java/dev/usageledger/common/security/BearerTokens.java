package dev.usageledger.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves {@code Authorization: Bearer <token>} to a {@link Caller}. Tokens are held only as SHA-256 digests and
 * looked up by digest, so the time a lookup takes says nothing about how much of a wrong token was right.
 * Immutable and thread-safe.
 */
public final class BearerTokens {

    private static final String SCHEME = "bearer";
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    private final Map<String, Caller> byDigest;

    public BearerTokens(TokenLists lists) {
        Map<String, Caller> map = new HashMap<>();
        for (TokenKind kind : TokenKind.values()) {
            lists.of(kind).forEach(e -> add(map, e, kind));
        }
        this.byDigest = Map.copyOf(map);
    }

    private static void add(Map<String, Caller> map, TokenEntry entry, TokenKind kind) {
        Caller previous = map.putIfAbsent(digest(entry.token()), new Caller(kind, entry.name()));
        if (previous != null) {
            throw new IllegalArgumentException("token of '" + entry.name() + "' is configured twice");
        }
    }

    /**
     * The caller whose token of kind {@code required} the header carries; empty when the header is missing,
     * malformed, names an unknown token, or a token of another kind.
     */
    public Optional<Caller> authenticate(String authorizationHeader, TokenKind required) {
        return authenticate(authorizationHeader, EnumSet.of(required));
    }

    /**
     * The caller whose token of one of the {@code accepted} kinds the header carries; empty when the header is
     * missing, malformed, names an unknown token, or a token of a kind not accepted.
     */
    public Optional<Caller> authenticate(String authorizationHeader, Set<TokenKind> accepted) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        if (space <= 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return Optional.empty();
        }
        String token = header.substring(space + 1).strip();
        if (token.isEmpty() || token.length() > 256) {
            return Optional.empty();
        }
        Caller caller = byDigest.get(digest(token));
        return caller != null && accepted.contains(caller.kind()) ? Optional.of(caller) : Optional.empty();
    }

    private static String digest(String token) {
        // digest() resets the instance, so each thread reuses one (every request authenticates: no provider lookup)
        return HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
