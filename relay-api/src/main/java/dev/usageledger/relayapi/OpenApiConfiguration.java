package dev.usageledger.relayapi;

import dev.usageledger.common.openapi.BearerOperations;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of relay-api, served at {@code /v3/api-docs} (JSON) and {@code /v3/api-docs.yaml} without a
 * token (docs/api.md). The operations come from the controllers; this names the API and its bearer scheme
 * ({@link BearerOperations}).
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "usage-ledger relay-api", version = "1",
                description = "Ingest of usage events, cost adjustments, rate limits and admissions "
                        + "(CONTRACT §1, §2, §4). Status precedence on every endpoint: 401, then 413, then 400, then "
                        + "the endpoint's own answers. Tokens: a relay token for /v1/usage-events and /v1/admissions, "
                        + "an admin token for /v1/cost-adjustments and /v1/keys/{apiKeyId}/limits."),
        security = @SecurityRequirement(name = BearerOperations.SCHEME))
class OpenApiConfiguration {

    @Bean
    OperationCustomizer bearerOperations() {
        return new BearerOperations();
    }
}
