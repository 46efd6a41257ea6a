package dev.usageledger.common.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;

/**
 * Makes a request that carries an admin token ({@code Authorization: Bearer <token>}, CONTRACT §0) a request of an
 * authenticated user in role {@value #ROLE}, named after the token; every other request passes unchanged, as
 * anonymous. Never refuses a request: it only tells what the servlet API exposes, which is what Spring Boot's
 * actuator reads for {@code management.endpoint.health.show-details: when-authorized} with
 * {@code roles: ADMIN} (so health details need an admin token, while the status, the probes and
 * {@code /actuator/prometheus} stay open). Thread-safe.
 */
public final class AdminPrincipalFilter extends HttpFilter {

    /** Where the apps install it: the actuator's endpoints. */
    public static final String ACTUATOR_PATHS = "/actuator/*";

    /** The role of a request with an admin token. */
    public static final String ROLE = "ADMIN";

    private final transient BearerTokens tokens;

    public AdminPrincipalFilter(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest passed = tokens.authenticate(request.getHeader("Authorization"), TokenKind.ADMIN)
                .<HttpServletRequest>map(admin -> new Admin(request, admin.name()))
                .orElse(request);
        chain.doFilter(passed, response);
    }

    private static final class Admin extends HttpServletRequestWrapper {

        private final Principal principal;

        Admin(HttpServletRequest request, String name) {
            super(request);
            this.principal = () -> name;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return ROLE.equals(role);
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
