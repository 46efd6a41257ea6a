package dev.usageledger.consumer;

import dev.usageledger.common.security.AdminPrincipalFilter;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.TokenKind;
import dev.usageledger.common.security.TokenLists;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health details for admin tokens only ({@code ledger.security.admin-tokens}, environment
 * {@code LEDGER_SECURITY_ADMINTOKENS}, as relay-api's; none: details for nobody): {@link AdminPrincipalFilter} on
 * the actuator's paths, read by {@code management.endpoint.health.show-details: when-authorized} (application.yml).
 */
@Configuration(proxyBeanMethods = false)
class ActuatorAccessConfiguration {

    @Bean
    FilterRegistrationBean<AdminPrincipalFilter> adminPrincipalFilter(
            @Value("${ledger.security.admin-tokens:}") String adminTokens) {
        BearerTokens tokens = new BearerTokens(TokenLists.parse(Map.of(TokenKind.ADMIN, adminTokens)));
        FilterRegistrationBean<AdminPrincipalFilter> filter = new FilterRegistrationBean<>(
                new AdminPrincipalFilter(tokens));
        filter.addUrlPatterns(AdminPrincipalFilter.ACTUATOR_PATHS);
        return filter;
    }
}
