package dev.usageledger.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private static final String RELAY = "relay-token-0123456789";
    private static final String ROTATED = "relay-token-rotated-0123";
    private static final String ADMIN = "admin-token-0123456789";

    private static final String ANALYST = "analyst-token-0123456789";

    private final BearerTokens tokens = new BearerTokens(TokenLists.parse(Map.of(
            TokenKind.RELAY, "node-1:" + RELAY + ",node-1:" + ROTATED,
            TokenKind.ANALYST, "finance:" + ANALYST,
            TokenKind.ADMIN, "ops:" + ADMIN)));

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
    void acceptsAnyOfSeveralKindsAndNoOther() {
        var readers = EnumSet.of(TokenKind.ANALYST, TokenKind.ADMIN);
        assertThat(tokens.authenticate("Bearer " + ANALYST, readers)).contains(new Caller(TokenKind.ANALYST, "finance"));
        assertThat(tokens.authenticate("Bearer " + ADMIN, readers)).map(Caller::kind).contains(TokenKind.ADMIN);
        assertThat(tokens.authenticate("Bearer " + RELAY, readers)).isEmpty();
        assertThat(tokens.authenticate(null, readers)).isEmpty();
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
