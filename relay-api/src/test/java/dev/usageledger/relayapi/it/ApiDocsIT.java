package dev.usageledger.relayapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.ApiDocsDrift;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** relay-api's OpenAPI document against the running app. */
class ApiDocsIT extends LiveKafkaContext {

    @Autowired
    ApplicationContext context;

    @Test
    void everyServedEndpointIsDocumentedAndEveryDocumentedOneIsServed() {
        ApiDocsDrift.assertNoDrift(context, "http://127.0.0.1:" + port);
    }

    @Test
    void theDocumentIsPublicAndNamesTheBearerScheme() {
        Api.Answer docs = api.get(ApiDocsDrift.API_DOCS);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("components").get("securitySchemes").get("bearer").get("scheme").asString())
                .isEqualTo("bearer");
        assertThat(docs.json().get("security").get(0).has("bearer")).isTrue();
        assertThat(api.get(ApiDocsDrift.API_DOCS + ".yaml").body()).startsWith("openapi: 3.");
        assertThat(docs.body()).as("Authorization is the security scheme, not a parameter")
                .doesNotContain("\"name\":\"Authorization\"");
        assertThat(docs.json().get("paths").get("/v1/admissions").get("post").get("responses").get("429")
                .get("content").get("application/json").get("schema").get("$ref").asString())
                .isEqualTo("#/components/schemas/Denied");
    }
}
