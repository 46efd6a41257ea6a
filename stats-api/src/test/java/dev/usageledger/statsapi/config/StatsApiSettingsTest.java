package dev.usageledger.statsapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.common.LedgerSettings;
import dev.usageledger.statsapi.StatsApiApplication;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * stats-api booted as {@code main} boots it (no MySQL needed: the pool connects lazily): the shared settings and the
 * shared data source properties reach it, command-line values override them, and a bad shared setting fails the boot
 * naming the property.
 */
class StatsApiSettingsTest {

    /** Nothing listens there: the pool never connects during these boots. */
    private static final String NO_DATABASE = "jdbc:mysql://127.0.0.1:9/usage_ledger";

    @Test
    void aBadSharedSettingFailsTheBootNamingTheProperty() {
        Throwable failure = catchThrowable(() -> boot("--ledger.reporting.zone=Mars/Base").close());

        assertThat(failure).isNotNull();
        assertThat(messages(failure)).contains("ledger.reporting.zone must be an IANA time zone id, was 'Mars/Base'");
    }

    @Test
    void bindsTheSharedSettingsAndTheSharedDataSourceProperties() throws Exception {
        try (ConfigurableApplicationContext context = boot("--ledger.reporting.zone=Asia/Kolkata")) {
            assertThat(context.getBean(LedgerSettings.class).reporting().zoneId()).isEqualTo(ZoneId.of("Asia/Kolkata"));
            HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
            assertThat(pool.getJdbcUrl()).isEqualTo(NO_DATABASE);
            assertThat(pool.getUsername()).isEqualTo("root");
            assertThat(pool.getPoolName()).isEqualTo("stats");
            assertThat(pool.isReadOnly()).isTrue();
            assertThat(pool.getDataSourceProperties())
                    .containsEntry("connectionTimeZone", "UTC")
                    .containsEntry("forceConnectionTimeZoneToSession", "true")
                    .containsEntry("cachePrepStmts", "true")
                    .containsEntry("allowPublicKeyRetrieval", "true");
        }
    }

    @Test
    void theCommandLineOverridesASharedDataSourceProperty() throws Exception {
        try (ConfigurableApplicationContext context = boot(
                "--spring.datasource.hikari.data-source-properties.cachePrepStmts=false",
                "--spring.datasource.username=reader")) {
            HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
            assertThat(pool.getUsername()).isEqualTo("reader");
            assertThat(pool.getDataSourceProperties())
                    .containsEntry("cachePrepStmts", "false")
                    .containsEntry("connectionTimeZone", "UTC");
        }
    }

    private static ConfigurableApplicationContext boot(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + NO_DATABASE,
                "--ledger.security.analyst-tokens=bi:analyst-token-0123456789"));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(StatsApiApplication.class).run(all.toArray(String[]::new));
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
