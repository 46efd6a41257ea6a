package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The MySQL-specific SQL text, asserted as strings: it must run on MySQL 8.0+ and MariaDB 10.11+
 * alike (the IT runs it on MariaDB).
 */
class ProjectionSqlTest {

    private static final Pattern INSERT = Pattern.compile(
            "INSERT (?:IGNORE )?INTO (\\w+) \\(([^)]*)\\)\\s*VALUES \\(([^)]*)\\)(.*)", Pattern.DOTALL);

    private static String normalised(String sql) {
        return sql.replaceAll("\\s+", " ").trim();
    }

    private static List<String> columns(String sql) {
        Matcher m = INSERT.matcher(normalised(sql));
        assertThat(m.matches()).as("an INSERT statement: %s", sql).isTrue();
        return Arrays.stream(m.group(2).split(",")).map(String::trim).toList();
    }

    private static int placeholders(String sql) {
        return (int) sql.chars().filter(c -> c == '?').count();
    }

    private static final List<String> TOKENS = List.of("requests", "unpriced_requests", "input_tokens",
            "output_tokens", "cache_create_tokens", "cache_read_tokens", "ephemeral_5m_tokens", "ephemeral_1h_tokens");
    private static final List<String> COSTS = List.of("real_cost_usd", "rated_cost_usd");

    static Stream<Arguments> upserts() {
        List<String> both = new java.util.ArrayList<>(TOKENS);
        both.addAll(COSTS);
        return Stream.of(
                Arguments.of(ProjectionSql.StatsTable.USAGE, "usage_stats", List.of("api_key_id", "model"), TOKENS),
                Arguments.of(ProjectionSql.StatsTable.COST, "cost_stats", List.of("api_key_id", "model"), COSTS),
                Arguments.of(ProjectionSql.StatsTable.ACCOUNT_USAGE, "account_usage_stats",
                        List.of("account_id", "model"), both),
                Arguments.of(ProjectionSql.StatsTable.KEY_ROLLUP, "key_stats", List.of("api_key_id"), both),
                Arguments.of(ProjectionSql.StatsTable.MODEL_ROLLUP, "model_stats", List.of("model"), both));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("upserts")
    void upsertsAddEveryMeasureWithValuesNeverTheRowAlias(ProjectionSql.StatsTable stats, String table,
            List<String> subject, List<String> measures) {
        String sql = stats.upsert();
        String s = normalised(sql);
        Matcher m = INSERT.matcher(s);
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo(table);
        List<String> columns = columns(sql);
        List<String> key = new java.util.ArrayList<>(List.of("granularity", "bucket_start"));
        key.addAll(subject);

        assertThat(columns.subList(0, key.size())).containsExactlyElementsOf(key);
        assertThat(columns.subList(key.size(), columns.size())).containsExactlyElementsOf(measures);
        assertThat(placeholders(sql)).isEqualTo(columns.size());

        String update = m.group(4).trim();
        assertThat(update).startsWith("ON DUPLICATE KEY UPDATE ");
        List<String> assignments = Arrays.stream(update.substring("ON DUPLICATE KEY UPDATE ".length()).split(","))
                .map(String::trim).toList();
        assertThat(assignments).containsExactlyElementsOf(
                measures.stream().map(c -> c + " = " + c + " + VALUES(" + c + ")").toList());
        // MySQL 8.0.19's row alias is a syntax error (1064) on MariaDB
        assertThat(s.toUpperCase(Locale.ROOT)).doesNotContainPattern("\\)\\s+AS\\s+\\w+")
                .doesNotContain("NEW.");
        // the key columns are never updated
        assertThat(update).doesNotContain("granularity =").doesNotContain("bucket_start =")
                .doesNotContain(subject.get(0) + " =").doesNotContain("model =");
    }

    @Test
    void eventIdsAreClaimedWithInsertIgnore() {
        String s = normalised(ProjectionSql.INSERT_EVENT_IDS);

        assertThat(s).isEqualTo("INSERT IGNORE INTO ledger_event_ids (event_kind, event_id, occurred_at, batch_token)"
                + " VALUES (?, ?, ?, ?)");
    }

    @Test
    void claimedIdsAreReadBackByToken() {
        assertThat(ProjectionSql.selectClaimedEventIds(1)).isEqualTo(
                "SELECT event_id FROM ledger_event_ids WHERE event_kind = ? AND batch_token = ? AND event_id IN (?)");
        assertThat(ProjectionSql.selectClaimedEventIds(3)).endsWith("AND event_id IN (?,?,?)");
        assertThat(placeholders(ProjectionSql.selectClaimedEventIds(1000))).isEqualTo(1002);
    }

    @Test
    void ledgerInsertsAreInsertsNeverUpserts() {
        for (String sql : List.of(ProjectionSql.INSERT_USAGE_RECORD, ProjectionSql.INSERT_COST_ADJUSTMENT)) {
            String s = normalised(sql);
            assertThat(s).startsWith("INSERT INTO ").doesNotContain("IGNORE").doesNotContain("DUPLICATE")
                    .doesNotContain("REPLACE");
            assertThat(placeholders(sql)).isEqualTo(columns(sql).size());
        }
        assertThat(columns(ProjectionSql.INSERT_USAGE_RECORD)).startsWith("request_id", "occurred_at", "api_key_id",
                "account_id", "account_type", "model");
        assertThat(columns(ProjectionSql.INSERT_COST_ADJUSTMENT)).startsWith("adjustment_id", "occurred_at",
                "api_key_id", "account_id", "model", "real_cost_usd", "rated_cost_usd", "reason");
    }

    @Test
    void offsetsAdvanceOnlyWhileTheEpochIsCurrentAndNeverMoveBack() {
        assertThat(normalised(ProjectionSql.ADVANCE_OFFSET)).isEqualTo(
                "UPDATE consumer_offsets SET next_offset = GREATEST(next_offset, ?), updated_at = ? "
                        + "WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND epoch = ?");
    }

    @Test
    void aClaimBumpsTheEpoch() {
        assertThat(normalised(ProjectionSql.INSERT_OFFSET_IF_ABSENT)).startsWith("INSERT IGNORE INTO consumer_offsets")
                .contains("VALUES (?, ?, ?, -1, 0, ?)");
        assertThat(normalised(ProjectionSql.BUMP_EPOCH)).isEqualTo("UPDATE consumer_offsets SET epoch = epoch + 1 "
                + "WHERE consumer_group = ? AND topic = ? AND partition_id = ?");
        assertThat(normalised(ProjectionSql.SELECT_OFFSET)).isEqualTo("SELECT next_offset, epoch FROM consumer_offsets "
                + "WHERE consumer_group = ? AND topic = ? AND partition_id = ?");
    }

    /**
     * Every column the SQL names exists in the migrations (the sql module is on the test classpath):
     * in the table's CREATE TABLE or added by a later ALTER TABLE.
     */
    @Test
    void everyColumnWrittenExistsInTheMigration() throws IOException {
        String migration = migration("V1__ledger_and_projections.sql") + migration("V6__unpriced_requests_and_rollups.sql");
        String alters = migration("V3__cost_breakdown_in_ledger_row.sql")
                + migration("V6__unpriced_requests_and_rollups.sql")
                + migration("V10__cost_adjustments_request_id.sql");
        assertThat(alters).contains("DROP TABLE usage_cost_breakdowns");
        List<String> statements = new java.util.ArrayList<>(List.of(ProjectionSql.INSERT_EVENT_IDS,
                ProjectionSql.INSERT_USAGE_RECORD, ProjectionSql.INSERT_COST_ADJUSTMENT));
        for (ProjectionSql.StatsTable stats : ProjectionSql.StatsTable.values()) {
            statements.add(stats.upsert());
        }
        for (String sql : statements) {
            Matcher m = INSERT.matcher(normalised(sql));
            assertThat(m.matches()).isTrue();
            String table = m.group(1);
            Matcher def = Pattern.compile("CREATE TABLE " + table + " \\((.*?)\\) ENGINE", Pattern.DOTALL)
                    .matcher(migration);
            assertThat(def.find()).as("table %s in the migration", table).isTrue();
            StringBuilder added = new StringBuilder();
            Matcher alter = Pattern.compile("ALTER TABLE " + table + "\\s(.*?);", Pattern.DOTALL).matcher(alters);
            while (alter.find()) {
                added.append(alter.group(1)).append('\n');
            }
            for (String column : columns(sql)) {
                assertThat(def.group(1) + "\n" + added).as("%s.%s", table, column)
                        .containsPattern("(?m)^\\s+(ADD COLUMN )?" + column + "\\s");
            }
        }
    }

    private String migration(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/db/migration/" + name)) {
            assertThat(in).as("migration %s on the classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void loadedLedgerRowsNameTheInsertsColumnsInItsOrder() {
        List<String> loaded = Arrays.stream(normalised(ProjectionSql.USAGE_RECORD_COLUMNS).split(","))
                .map(String::trim).toList();
        assertThat(loaded).isEqualTo(columns(ProjectionSql.INSERT_USAGE_RECORD)).hasSize(30);
        assertThat(normalised(ProjectionSql.loadUsageRecords("/tmp/x/usage-records-1.tsv"))).isEqualTo(
                "LOAD DATA LOCAL INFILE '/tmp/x/usage-records-1.tsv' INTO TABLE usage_records CHARACTER SET utf8mb4 "
                        + "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' (" + String.join(", ", loaded) + ")");
    }

    @Test
    void loadedClaimsIgnoreIdsClaimedBeforeAsTheInsertDoes() {
        assertThat(ProjectionSql.loadEventIds("/tmp/x/event-ids-1.tsv")).isEqualTo(
                "LOAD DATA LOCAL INFILE '/tmp/x/event-ids-1.tsv' IGNORE INTO TABLE ledger_event_ids CHARACTER SET "
                        + "utf8mb4 FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' "
                        + "(event_kind, event_id, occurred_at, batch_token)");
        assertThat(columns(ProjectionSql.INSERT_EVENT_IDS))
                .containsExactly("event_kind", "event_id", "occurred_at", "batch_token");
        // Tab and backslash in hex: under NO_BACKSLASH_ESCAPES MariaDB's default escape is none, and '\\' would
        // be two characters (ProjectionWriterLoadDataIT.backslashEscapesHoldUnderNoBackslashEscapes).
        assertThat(ProjectionSql.loadUsageRecords("f") + ProjectionSql.loadEventIds("f")).doesNotContain("'\\")
                .doesNotContain("LINES");
    }

    @Test
    void theCountedVersionsAreReadLockedInIdOrderByTheirClaimsTimeColumn() {
        String usage = normalised(ProjectionSql.selectCountedUsage(3));
        assertThat(usage).startsWith("SELECT r.request_id, r.occurred_at, r.api_key_id,")
                .contains("FROM ledger_event_ids c JOIN usage_records r "
                        + "ON r.occurred_at = c.occurred_at AND r.request_id = c.event_id")
                .endsWith("WHERE c.event_kind = ? AND c.event_id IN (?,?,?) ORDER BY c.event_id FOR UPDATE");
        // every column of the ledger row, in the order the reader maps them
        assertThat(usage.substring("SELECT ".length(), usage.indexOf(" FROM")).replace("r.", ""))
                .isEqualTo(normalised(ProjectionSql.USAGE_RECORD_COLUMNS));
        assertThat(normalised(ProjectionSql.selectCountedAdjustments(1)))
                .startsWith("SELECT r.adjustment_id, r.occurred_at,")
                .contains("JOIN cost_adjustments r ON r.occurred_at = c.occurred_at AND r.adjustment_id = c.event_id")
                .endsWith("IN (?) ORDER BY c.event_id FOR UPDATE");
        assertThat(columns(ProjectionSql.INSERT_COST_ADJUSTMENT)).containsExactlyElementsOf(
                Arrays.stream(normalised(ProjectionSql.COST_ADJUSTMENT_COLUMNS).split(",")).map(String::trim).toList());
    }

    @Test
    void aConflictRowBindsEveryColumn() {
        assertThat(columns(ProjectionSql.INSERT_CONFLICT)).containsExactly("event_kind", "event_id",
                "differing_fields", "counted_version", "resent_version", "counted_api_key_id", "resent_api_key_id",
                "swapped", "topic", "partition_id", "partition_offset", "seen_at");
        assertThat(placeholders(ProjectionSql.INSERT_CONFLICT)).isEqualTo(12);
    }
}
