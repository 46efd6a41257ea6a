package dev.usageledger.statsapi.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

/**
 * The query parameters the reads share (CONTRACT §5), declared once in the OpenAPI document's
 * {@code components/parameters} and named by each operation ({@code @Parameter(ref = "from")}); the controllers take
 * their parameters as one map ({@link Params} checks every name and value), which the document replaces by them.
 */
public final class QueryParameters {

    static final String FROM = "from";
    static final String TO = "to";
    static final String ZONE = "zone";
    static final String API_KEY_ID = "apiKeyId";
    static final String MODEL = "model";
    static final String ACCOUNT_ID = "accountId";
    static final String FORMAT = "format";

    private QueryParameters() {}

    /** Adds the shared parameters to the document's components. */
    public static OpenApiCustomizer components() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            shared().forEach(openApi.getComponents()::addParameters);
        };
    }

    /** Drops the raw map of query parameters a controller method takes: the operation names them one by one. */
    public static OperationCustomizer withoutRawMaps() {
        return (operation, handler) -> {
            if (operation.getParameters() != null) {
                operation.getParameters().removeIf(p -> "query".equals(p.getIn()) && p.getSchema() != null
                        && "object".equals(type(p.getSchema())));
            }
            return operation;
        };
    }

    private static String type(Schema<?> schema) {
        return schema.getType() != null ? schema.getType()
                : schema.getTypes() == null || schema.getTypes().isEmpty() ? null : schema.getTypes().iterator().next();
    }

    static Map<String, Parameter> shared() {
        Map<String, Parameter> p = new LinkedHashMap<>();
        p.put(FROM, query(FROM, true, "inclusive: an RFC 3339 instant, or a date YYYY-MM-DD taken as midnight in zone",
                new StringSchema()));
        p.put(TO, query(TO, true, "exclusive, as from; after from", new StringSchema()));
        p.put(ZONE, query(ZONE, false, "an IANA zone id; default: the reporting zone", new StringSchema()));
        p.put(API_KEY_ID, query(API_KEY_ID, false, "only this API key", new StringSchema()));
        p.put(MODEL, query(MODEL, false, "only this model (as stored, normalised)", new StringSchema()));
        p.put(ACCOUNT_ID, query(ACCOUNT_ID, false, "only this account (reads the account projection)",
                new StringSchema()));
        p.put(FORMAT, query(FORMAT, false, "csv answers text/csv, as Accept: text/csv does; default json",
                new StringSchema()._enum(List.of("json", "csv"))));
        return p;
    }

    private static Parameter query(String name, boolean required, String description, Schema<?> schema) {
        return new Parameter().in("query").name(name).required(required).description(description).schema(schema);
    }
}
