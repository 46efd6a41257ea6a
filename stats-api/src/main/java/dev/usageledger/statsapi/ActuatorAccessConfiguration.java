package dev.usageledger.statsapi;

import dev.usageledger.common.security.AdminPrincipalFilter;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.statsapi.config.ReaderSecurityProperties;
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
    FilterRegistrationBean<AdminPrincipalFilter> adminPrincipalFilter(ReaderSecurityProperties security) {
        FilterRegistrationBean<AdminPrincipalFilter> filter = new FilterRegistrationBean<>(
                new AdminPrincipalFilter(new BearerTokens(security.tokens())));
        filter.addUrlPatterns(AdminPrincipalFilter.ACTUATOR_PATHS);
        return filter;
    }
}
