package dev.usageledger.statsapi.it;

import dev.usageledger.fixtures.ApiDocsDrift;
import dev.usageledger.fixtures.HealthVisibility;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.statsapi.StatsApiApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
}
