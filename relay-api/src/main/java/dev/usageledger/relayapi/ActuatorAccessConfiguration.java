package dev.usageledger.relayapi;

import dev.usageledger.common.security.AdminPrincipalFilter;
import dev.usageledger.common.security.BearerTokens;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health details for admin tokens only: {@link AdminPrincipalFilter} on the actuator's paths, read by
 * {@code management.endpoint.health.show-details: when-authorized} (application.yml).
 */
@Configuration(proxyBeanMethods = false)
class ActuatorAccessConfiguration {

    @Bean
    FilterRegistrationBean<AdminPrincipalFilter> adminPrincipalFilter(BearerTokens tokens) {
        FilterRegistrationBean<AdminPrincipalFilter> filter = new FilterRegistrationBean<>(
                new AdminPrincipalFilter(tokens));
        filter.addUrlPatterns(AdminPrincipalFilter.ACTUATOR_PATHS);
        return filter;
    }
}
