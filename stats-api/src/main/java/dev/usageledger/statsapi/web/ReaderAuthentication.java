package dev.usageledger.statsapi.web;

import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.TokenKind;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every read needs an analyst or an admin token (CONTRACT §0); anything else — no header, a malformed one, an
 * unknown token, a relay token — is a 401 before any parameter is looked at (status precedence, §0).
 */
public final class ReaderAuthentication implements HandlerInterceptor {

    private static final Set<TokenKind> READERS = Set.of(TokenKind.ANALYST, TokenKind.ADMIN);
    private static final byte[] UNAUTHORIZED = ("{\"error\":\"unauthorized\",\"message\":\"an analyst or admin token"
            + " is required: Authorization: Bearer <token>\"}").getBytes(StandardCharsets.UTF_8);

    private final BearerTokens tokens;

    public ReaderAuthentication(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (tokens.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), READERS).isPresent()) {
            return true;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(UNAUTHORIZED.length);
        response.getOutputStream().write(UNAUTHORIZED);
        return false;
    }
}
