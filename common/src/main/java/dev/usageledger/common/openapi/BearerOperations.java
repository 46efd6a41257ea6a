package dev.usageledger.common.openapi;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Locale;
import java.util.Set;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.web.method.HandlerMethod;

/**
 * Every operation of an app whose controllers read {@code Authorization: Bearer <token>} themselves (CONTRACT §0):
 * the header is the document's {@value #SCHEME} security scheme (declared here, required by the app's
 * {@code @OpenAPIDefinition}), not a parameter (nor are {@code Accept} and {@code Content-Type}), and every operation
 * documents its 401, the first status of every endpoint.
 */
@SecurityScheme(name = BearerOperations.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <token>, of the kind each operation names (CONTRACT §0)")
public final class BearerOperations implements OperationCustomizer {

    /**
     * Header parameters OpenAPI 3 says a document's reader ignores (its section "Parameter Object"): a controller
     * that reads them gets them described by the security scheme and the media types instead.
     */
    private static final Set<String> IGNORED_HEADERS = Set.of("authorization", "accept", "content-type");

    /** The security scheme's name. */
    public static final String SCHEME = "bearer";

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(p -> "header".equals(p.getIn())
                    && IGNORED_HEADERS.contains(p.getName().toLowerCase(Locale.ROOT)));
        }
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        operation.getResponses().addApiResponse("401",
                new ApiResponse().description("no valid token of the kind the endpoint requires"));
        return operation;
    }
}
