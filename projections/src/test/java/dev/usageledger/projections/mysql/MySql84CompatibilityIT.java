package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The migrations and the projection SQL on a real MySQL 8.4 (the production target), where a
 * Docker engine exists. Without one it is reported as skipped — the one skip allowed; every
 * behaviour is also tested on MariaDB, which the build starts itself.
 */
@Testcontainers(disabledWithoutDocker = true)
class MySql84CompatibilityIT {

    @Container
    static final MySQLContainer MYSQL = new MySQLContainer("mysql:8.4");

    @Test
    void migratesAndProjectsExactlyOnceOnMySql84() throws Exception {
        // Configured to load as usage-consumer is: MySQL 8.4 ships with local_infile off, so the writer inserts.
        LoadDataDirectory directory = LoadDataDirectory.in(Path.of("target", "it-local-infile-mysql84"));
        LoadDataSink localInfile = new LoadDataSink(directory);
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(MYSQL.getJdbcUrl() + "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true"
                    + "&rewriteBatchedStatements=true&allowLoadLocalInfileInPath=" + directory.directory());
            ds.setUsername(MYSQL.getUsername());
            ds.setPassword(MYSQL.getPassword());
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TransactionRetry retry = new TransactionRetry("mysql84", RetrySettings.DEFAULTS, registry);
            AtomicLong tokens = new AtomicLong();
            ProjectionWriter writer = new ProjectionWriter(ds, new BatchFold(new Buckets(ZoneId.of("Europe/Berlin"))),
                    retry, Clock.systemUTC(), tokens::incrementAndGet, registry, localInfile);
            ConsumerOffsets offsets = new ConsumerOffsets(ds, Clock.systemUTC(), retry);
            long epoch = offsets.claim("g", "t", List.of(0)).get(0).epoch();

            Instant at = Instant.parse("2026-11-22T10:15:30.123Z");
            List<LedgerEvent> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(new UsageRecorded(1, "r" + i, at.plusSeconds(i * 3600L), "k" + (i % 3), "a1",
                        "claude-official", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929",
                        new TokenUsage(100, 10, 5, 2, 1, 7), "standard", false, null, null, null, null, "relay",
                        at, new AssessedCost(new BigDecimal("0.0000012345"), new BigDecimal("0.0000012345"), null,
                                PricingSource.RELAY, "v")));
            }
            events.add(new CostAdjusted(1, "adj", at, "k1", "a1", "*", new BigDecimal("-1.5"),
                    new BigDecimal("-1.5"), "credit", "admin", at));
            writer.write(new ProjectionBatch("g", "t", events, Map.of(0, 101L), Map.of(0, epoch)));
            WriteResult again = writer.write(new ProjectionBatch("g", "t", events, Map.of(0, 202L), Map.of(0, epoch)));
            assertThat(again.newUsage()).isZero();
            assertThat(again.duplicateUsage()).isEqualTo(100);
            try (Connection c = ds.getConnection()) {
                assertThat(LedgerInvariants.check(c)).isEmpty();
                assertThat(localInfile.usable(c)).isFalse();
            }
        }
    }
}
