package dev.usageledger.relayapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private static final String RELAY = "relay-token-0123456789";
    private static final String ROTATED = "relay-token-rotated-0123";
    private static final String ADMIN = "admin-token-0123456789";

    private final BearerTokens tokens = new BearerTokens(
            List.of(new TokenEntry("node-1", RELAY), new TokenEntry("node-1", ROTATED)),
            List.of(new TokenEntry("ops", ADMIN)));

    @Test
    void resolvesARelayTokenToItsName() {
        assertThat(tokens.authenticate("Bearer " + RELAY, TokenKind.RELAY)).contains(new Caller(TokenKind.RELAY, "node-1"));
        assertThat(tokens.authenticate("Bearer " + ROTATED, TokenKind.RELAY)).map(Caller::name).contains("node-1");
    }

    @Test
    void acceptsTheSchemeInAnyCaseAndSurroundingSpaces() {
        assertThat(tokens.authenticate("  bearer   " + RELAY + " ", TokenKind.RELAY)).isPresent();
        assertThat(tokens.authenticate("BEARER " + ADMIN, TokenKind.ADMIN)).isPresent();
    }

    @Test
    void refusesATokenOfTheOtherKind() {
        assertThat(tokens.authenticate("Bearer " + ADMIN, TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Bearer " + RELAY, TokenKind.ADMIN)).isEmpty();
    }

    @Test
    void refusesMissingMalformedAndUnknownHeaders() {
        assertThat(tokens.authenticate(null, TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("", TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate(RELAY, TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Bearer", TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Basic " + RELAY, TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Bearer " + RELAY + "x", TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Bearer " + RELAY.substring(1), TokenKind.RELAY)).isEmpty();
        assertThat(tokens.authenticate("Bearer " + "x".repeat(10_000), TokenKind.RELAY)).isEmpty();
    }
}
