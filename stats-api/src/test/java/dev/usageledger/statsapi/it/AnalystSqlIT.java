package dev.usageledger.statsapi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.stack.EmbeddedMariaDb;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analysts' SQL of {@code sql/} — the views of {@code R__analyst_views.sql} and every example query of
 * {@code sql/queries/} — run on real MariaDB as the deployment's read-only user, over a small ledger projected by the
 * projection's own writer, each answer checked against numbers worked out by hand from the events below.
 *
 * <p>March 2026, reporting zone UTC, costs sent by the relay (or 0 where the catalog had no price):
 * <pre>
 *   u1  03-05 10:00  key_a  model-1  acc_1  in 1000 out 100 read 3000             real 0.5  rated 0.6
 *   u2  03-05 11:00  key_a  model-2  acc_1  in 500 out 50                          real 0.25 rated 0.3
 *   u3  03-06 09:00  key_b  model-1  —      in 2000 out 10 create 1000 read 1M     real 1.0  rated 1.2
 *   u4  03-06 12:00  key_b  mystery  —      in 100 out 10      unpriced            0         0
 *   u5  03-07 08:00  key_c  mystery  —      in 100 out 10      unpriced            0         0
 *   u0  02-20 10:00  key_a  model-1  acc_1  in 9 out 9 (outside every March range) real 9    rated 9
 *   a1  03-05 00:00  key_a  *        acc_1  adjustment                              real -0.1 rated -0.2
 * </pre>
 */
class AnalystSqlIT {

    private static final Path QUERIES = Path.of("..", "sql", "queries");
    private static final String SCHEMA = "usage_ledger";
    private static EmbeddedMariaDb server;
    private static HikariDataSource writerPool;
    /** An administrator's session, opened before grants are checked and kept: the only way back in as root. */
    private static Connection admin;

    /**
     * A MariaDB server of its own: the shared one skips grant checks (any user may do anything), which would let a
     * missing grant or a writing read-only user pass. Migrated and filled while grants are skipped, then
     * {@code FLUSH PRIVILEGES} turns the checks on and the deployment's script creates the read-only user.
     */
    @BeforeAll
    static void ledger() throws SQLException {
        server = EmbeddedMariaDb.start(TestStack.newDataDir("analyst-sql-"), 0);
        server.createDatabase(SCHEMA);
        String url = server.jdbcUrl(SCHEMA);
        Flyway.configure().dataSource(url, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername(EmbeddedMariaDb.USER);
        pool.setPassword(EmbeddedMariaDb.PASSWORD);
        pool.setMaximumPoolSize(2);
        writerPool = new HikariDataSource(pool);
        project(writerPool);
        admin = DriverManager.getConnection(url, EmbeddedMariaDb.USER, EmbeddedMariaDb.PASSWORD);
        try (Statement s = admin.createStatement()) {
            s.execute("FLUSH PRIVILEGES");
        }
        ReadOnlyUser.grant(admin, SCHEMA);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (admin != null) {
            admin.close();
        }
        if (writerPool != null) {
            writerPool.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void project(DataSource dataSource) {
        List<LedgerEvent> events = List.of(
                usage("u1", "2026-03-05T10:00:00Z", "key_a", "model-1", "acc_1", new TokenUsage(1000, 100, 0, 0, 0, 3000))
                        .cost("0.5", "0.6").build(),
                usage("u2", "2026-03-05T11:00:00Z", "key_a", "model-2", "acc_1", new TokenUsage(500, 50, 0, 0, 0, 0))
                        .cost("0.25", "0.3").build(),
                usage("u3", "2026-03-06T09:00:00Z", "key_b", "model-1", null,
                        new TokenUsage(2000, 10, 1000, 1000, 0, 1_000_000)).cost("1.0", "1.2").build(),
                usage("u4", "2026-03-06T12:00:00Z", "key_b", "mystery", null, new TokenUsage(100, 10, 0, 0, 0, 0))
                        .cost("0", "0").source(PricingSource.UNPRICED).build(),
                usage("u5", "2026-03-07T08:00:00Z", "key_c", "mystery", null, new TokenUsage(100, 10, 0, 0, 0, 0))
                        .cost("0", "0").source(PricingSource.UNPRICED).build(),
                usage("u0", "2026-02-20T10:00:00Z", "key_a", "model-1", "acc_1", new TokenUsage(9, 9, 0, 0, 0, 0))
                        .cost("9", "9").build(),
                Events.adjustment("a1").at("2026-03-05T00:00:00Z").key("key_a").account("acc_1")
                        .amounts("-0.1", "-0.2").build());
        new LedgerSeed(dataSource, ZoneOffset.UTC, Instant.parse("2026-03-08T00:00:00Z")).project(events);
    }

    private static Events.UsageBuilder usage(String id, String at, String key, String model, String account,
            TokenUsage tokens) {
        return Events.usage(id).at(at).key(key).model(model).account(account).tokens(tokens);
    }

    // ---- views --------------------------------------------------------------------------------

    @Test
    void dailyCostByKeyAndModelPutsUsageAndAdjustmentsSideBySide() throws Exception {
        List<Map<String, Object>> rows = select("SELECT * FROM daily_cost_by_key_model WHERE api_key_id = 'key_a'"
                + " AND day_start = '2026-03-05 00:00:00' ORDER BY model");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("*", "model-1", "model-2");
        assertThat(rows.get(0)).containsEntry("requests", BigDecimal.ZERO);
        assertMoney(rows.get(0).get("rated_cost_usd"), "-0.2");
        assertThat(rows.get(1)).containsEntry("requests", BigDecimal.ONE).containsEntry("cache_read_tokens",
                BigDecimal.valueOf(3000));
        assertMoney(rows.get(1).get("rated_cost_usd"), "0.6");
    }

    @Test
    void dailyModelMixGivesEachModelsShareOfItsDay() throws Exception {
        List<Map<String, Object>> rows = select("SELECT * FROM daily_model_mix WHERE day_start = '2026-03-06 00:00:00'"
                + " ORDER BY model");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("model-1", "mystery");
        assertRatio(rows.get(0).get("request_share"), "0.5");
        assertRatio(rows.get(0).get("rated_cost_share"), "1");
        assertThat(rows.get(1).get("tokens")).isEqualTo(BigDecimal.valueOf(110));
    }

    @Test
    void dailyCacheHitRatioIsCacheReadsOverPromptTokens() throws Exception {
        List<Map<String, Object>> rows = select("SELECT * FROM daily_cache_hit_ratio WHERE api_key_id = 'key_a'"
                + " ORDER BY day_start");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).containsEntry("prompt_tokens", BigDecimal.valueOf(4500));
        assertRatio(rows.get(1).get("cache_hit_ratio"), "0.6666666667");
    }

    @Test
    void dailyAccountUsageHoldsOnlyWhatNamesAnAccount() throws Exception {
        List<Map<String, Object>> rows = select("SELECT * FROM daily_account_usage WHERE day_start >= '2026-03-01'"
                + " ORDER BY day_start, account_id, model");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("*", "model-1", "model-2");
        assertThat(rows.get(2)).containsEntry("account_id", "acc_1").containsEntry("requests", 1L)
                .containsEntry("input_tokens", 500L);
    }

    @Test
    void unpricedRequestsByModelCountsTheRequestsWithoutAPrice() throws Exception {
        List<Map<String, Object>> rows = select("SELECT * FROM unpriced_requests_by_model ORDER BY occurred_day");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("mystery", "mystery");
        assertThat(rows.get(0)).containsEntry("requests", 1L).containsEntry("api_keys", 1L);
    }

    // ---- example queries ----------------------------------------------------------------------

    @Test
    void everyExampleQueryIsCheckedHere() throws IOException {
        try (Stream<Path> files = Files.list(QUERIES)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(
                    "account-usage.sql", "cache-hit-ratio-by-key.sql", "daily-spend-of-one-key.sql",
                    "ledger-matches-stats.sql", "model-mix.sql", "top-keys-by-rated-cost.sql", "unpriced-models.sql");
        }
    }

    @Test
    void topKeysByRatedCost() throws Exception {
        List<Map<String, Object>> rows = query("top-keys-by-rated-cost.sql");
        assertThat(rows).extracting(r -> r.get("api_key_id")).containsExactly("key_b", "key_a", "key_c");
        assertMoney(rows.get(1).get("rated_cost_usd"), "0.7");
        assertThat(rows.get(0).get("requests")).isEqualTo(2L);
        assertThat(rows.get(2).get("requests")).isEqualTo(1L);
    }

    @Test
    void dailySpendOfOneKey() throws Exception {
        List<Map<String, Object>> rows = query("daily-spend-of-one-key.sql");
        assertThat(rows).hasSize(3);
        assertMoney(rows.get(2).get("real_cost_usd"), "0.25");
    }

    @Test
    void modelMix() throws Exception {
        List<Map<String, Object>> rows = query("model-mix.sql");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("model-1", "model-2", "mystery", "*");
        assertRatio(rows.get(0).get("request_share"), "0.4");
        assertMoney(rows.get(0).get("rated_cost_usd"), "1.8");
    }

    @Test
    void cacheHitRatioByKeyListsOnlyKeysWithAMillionPromptTokens() throws Exception {
        List<Map<String, Object>> rows = query("cache-hit-ratio-by-key.sql");
        assertThat(rows).extracting(r -> r.get("api_key_id")).containsExactly("key_b");
        assertThat(rows.get(0).get("prompt_tokens")).isEqualTo(BigDecimal.valueOf(1_003_100));
    }

    @Test
    void accountUsage() throws Exception {
        List<Map<String, Object>> rows = query("account-usage.sql");
        assertThat(rows).extracting(r -> r.get("model")).containsExactly("*", "model-1", "model-2");
        assertThat(rows.get(1).get("tokens")).isEqualTo(BigDecimal.valueOf(4100));
    }

    @Test
    void unpricedModels() throws Exception {
        List<Map<String, Object>> rows = query("unpriced-models.sql");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("model", "mystery").containsEntry("requests", 2L)
                .containsEntry("api_keys", 2L);
    }

    @Test
    void ledgerMatchesStatsIsEmptyUntilAStatsRowIsWrong() throws Exception {
        assertThat(query("ledger-matches-stats.sql")).isEmpty();
        // the query's day (2026-03-29) holds no usage: a stats row there disagrees with the ledger
        String wrongRow = "granularity = 'day' AND bucket_start = '2026-03-29 00:00:00' AND api_key_id = 'key_b'";
        try (Statement s = admin.createStatement()) {
            s.executeUpdate("INSERT INTO usage_stats (granularity, bucket_start, api_key_id, model, requests)"
                    + " VALUES ('day', '2026-03-29 00:00:00', 'key_b', 'model-1', 1)");
            try {
                assertThat(query("ledger-matches-stats.sql")).singleElement()
                        .satisfies(r -> assertThat(r).containsEntry("api_key_id", "key_b")
                                .containsEntry("ledger_requests", BigDecimal.ZERO)
                                .containsEntry("stats_requests", BigDecimal.ONE));
            } finally {
                s.executeUpdate("DELETE FROM usage_stats WHERE " + wrongRow);
            }
        }
        assertThat(query("ledger-matches-stats.sql")).isEmpty();
    }

    // ---- the read-only user -------------------------------------------------------------------

    @Test
    void theReadOnlyUserCannotWrite() {
        assertThatThrownBy(() -> {
            try (Connection c = readOnly(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM usage_records");
            }
        }).isInstanceOf(SQLSyntaxErrorException.class).hasMessageContaining("denied");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Connection readOnly() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(SCHEMA), ReadOnlyUser.USER, ReadOnlyUser.PASSWORD);
    }

    /** Runs an example query as the read-only user, its {@code SET}s first; the rows of its last statement. */
    private static List<Map<String, Object>> query(String file) throws Exception {
        List<String> statements = SqlScript.statements(Files.readString(QUERIES.resolve(file)));
        try (Connection c = readOnly(); Statement s = c.createStatement()) {
            for (String statement : statements.subList(0, statements.size() - 1)) {
                s.execute(statement);
            }
            try (ResultSet rs = s.executeQuery(statements.get(statements.size() - 1))) {
                return rows(rs);
            }
        }
    }

    private static List<Map<String, Object>> select(String sql) throws SQLException {
        try (Connection c = readOnly(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rows(rs);
        }
    }

    private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i), rs.getObject(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static void assertMoney(Object actual, String expected) {
        assertThat((BigDecimal) actual).isEqualByComparingTo(expected);
    }

    /** A ratio as the server divides: {@code div_precision_increment} (4) digits more than the dividend's scale. */
    private static void assertRatio(Object actual, String expected) {
        assertThat((BigDecimal) actual).isCloseTo(new BigDecimal(expected), within(new BigDecimal("0.0001")));
    }
}
