package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.fixtures.ApiDocsDrift;
import dev.usageledger.fixtures.HealthVisibility;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.statsapi.StatsApiApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What stats-api shows besides its data: health to whom, its OpenAPI document. Against an empty migrated database. */
@SpringBootTest(classes = StatsApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatsApiSurfaceIT {

    static final String ANALYST = "surface-analyst-token-0123";
    static final String ADMIN = "surface-admin-token-01234";
    static final String RELAY = "surface-relay-token-01234";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestStack.migratedDatabase("stats_surface_it").jdbcUrl());
        registry.add("ledger.security.analyst-tokens", () -> "bi:" + ANALYST);
        registry.add("ledger.security.admin-tokens", () -> "ops:" + ADMIN);
        registry.add("ledger.security.relay-tokens", () -> "relay-1:" + RELAY);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @Test
    void healthShowsItsComponentsOnlyToAnAdminToken() {
        HealthVisibility.assertDetailsOnlyForAdmins(base(), ADMIN, ANALYST, RELAY);
    }

    @Test
    void everyServedEndpointIsDocumentedAndEveryDocumentedOneIsServed() {
        ApiDocsDrift.assertNoDrift(context, base());
    }

    @Test
    void theReadsNameTheirQueryParameters() throws Exception {
        HttpResponse<String> docs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base() + ApiDocsDrift.API_DOCS)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode document = JsonMapper.builder().build().readTree(docs.body());
        List<String> names = new ArrayList<>();
        for (JsonNode parameter : document.at("/paths/~1v1~1stats~1series/get/parameters")) {
            JsonNode resolved = parameter.has("$ref") ? document.at(parameter.get("$ref").asString().substring(1))
                    : parameter;
            names.add(resolved.get("name").asString());
        }
        assertThat(names).containsExactlyInAnyOrder("granularity", "groupBy", "from", "to", "zone", "apiKeyId",
                "model", "accountId", "format");
        assertThat(document.at("/components/parameters/from/required").asBoolean()).isTrue();
    }
}
