package dev.usageledger.statsapi;

import dev.usageledger.common.openapi.BearerOperations;
import dev.usageledger.statsapi.web.QueryParameters;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of stats-api, served at {@code /v3/api-docs} (JSON) and {@code /v3/api-docs.yaml} without a
 * token (docs/api.md). The operations come from the controllers; this names the API and its bearer scheme
 * ({@link BearerOperations}).
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "usage-ledger stats-api", version = "1",
                description = "Reads of the ledger and its projections (CONTRACT §5, §6): JSON, or CSV by "
                        + "Accept: text/csv or format=csv where offered. Status precedence on every endpoint: 401, "
                        + "then 400 naming the parameter, then the endpoint's own answers. Tokens: an analyst or an "
                        + "admin token; a relay token answers 401."),
        security = @SecurityRequirement(name = BearerOperations.SCHEME))
class OpenApiConfiguration {

    @Bean
    OperationCustomizer bearerOperations() {
        return new BearerOperations();
    }

    @Bean
    OperationCustomizer withoutRawParameterMaps() {
        return QueryParameters.withoutRawMaps();
    }

    @Bean
    OpenApiCustomizer sharedQueryParameters() {
        return QueryParameters.components();
    }
}
