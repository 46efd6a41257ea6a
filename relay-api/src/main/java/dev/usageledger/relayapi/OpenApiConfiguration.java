package dev.usageledger.relayapi;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The OpenAPI document of relay-api, served at {@code /v3/api-docs} (JSON) and {@code /v3/api-docs.yaml} without a
 * token (docs/api.md). The operations come from the controllers; this names the API and its bearer scheme.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info = @Info(title = "usage-ledger relay-api", version = "1",
                description = "Ingest of usage events, cost adjustments, rate limits and admissions "
                        + "(CONTRACT §1, §2, §4). Status precedence on every endpoint: 401, then 413, then 400, then "
                        + "the endpoint's own answers."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <token>. A relay token for /v1/usage-events and /v1/admissions, an admin "
                + "token for /v1/cost-adjustments and /v1/keys/{apiKeyId}/limits (CONTRACT §0).")
class OpenApiConfiguration {

    /**
     * The controllers read the Authorization header themselves: the document states it as the bearer scheme, not as
     * a parameter, and gives every operation its 401 (the first status of every endpoint, CONTRACT §0).
     */
    @Bean
    OperationCustomizer authorizationIsTheSecurityScheme() {
        return (operation, handler) -> {
            if (operation.getParameters() != null) {
                operation.getParameters().removeIf(p -> "header".equals(p.getIn())
                        && HttpHeaders.AUTHORIZATION.equalsIgnoreCase(p.getName()));
            }
            operation.getResponses().addApiResponse("401",
                    new ApiResponse().description("no valid token of the kind the endpoint requires"));
            return operation;
        };
    }
}
