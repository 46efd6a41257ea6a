package dev.usageledger.projections.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The projection writer against a real MariaDB: exactly once, fencing, concurrency, UTC storage. Writes with
 * {@code INSERT}; {@link ProjectionWriterLoadDataIT} runs every test again loading with {@code LOAD DATA}.
 */
class ProjectionWriterIT {

    private static final String GROUP = "usage-projector";
    private static final String TOPIC = "usage-events";
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** Batch tokens must never repeat across consumers: random 64-bit values, as in production. */
    private static final LongSupplier TOKENS = () -> ThreadLocalRandom.current().nextLong();

    static HikariDataSource ds;

    private SimpleMeterRegistry registry;
    private ProjectionWriter writer;
    private ConsumerOffsets offsets;

    @BeforeAll
    static void database() {
        ds = TestDatabase.pool(TestDatabase.freshDatabase("writer_it"), 10);
    }

    @AfterAll
    static void closePool() {
        if (ds != null) {
            ds.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        TestDatabase.truncateAll(ds);
        registry = new SimpleMeterRegistry();
        writer = writer(ds, ZoneOffset.UTC);
        offsets = new ConsumerOffsets(ds, CLOCK, new TransactionRetry("offsets-it", RetrySettings.DEFAULTS, registry));
    }

    /** How the writers of this class send rows: batched {@code INSERT}s. */
    ProjectionSink sink() {
        return new BatchedInsertSink();
    }

    private ProjectionWriter writer(DataSource dataSource, ZoneId reportingZone) {
        return new ProjectionWriter(dataSource, new BatchFold(new Buckets(reportingZone)),
                new TransactionRetry("writer-it", RetrySettings.DEFAULTS, registry), CLOCK, TOKENS, registry,
                sink());
    }

    /** A consumer that claimed some partitions and hands batches with advancing offsets to a writer. */
    private final class Consumer {
        final Map<Integer, Long> epochs = new HashMap<>();
        final Map<Integer, Long> next = new HashMap<>();
        final ProjectionWriter writer;

        Consumer(ProjectionWriter writer, Integer... partitions) {
            this.writer = writer;
            for (PartitionClaim claim : offsets.claim(GROUP, TOPIC, List.of(partitions))) {
                epochs.put(claim.partition(), claim.epoch());
                next.put(claim.partition(), Math.max(0, claim.nextOffset()));
            }
        }

        Consumer(Integer... partitions) {
            this(ProjectionWriterIT.this.writer, partitions);
        }

        ProjectionBatch batch(int partition, List<? extends LedgerEvent> events) {
            long nextOffset = next.merge(partition, (long) Math.max(1, events.size()), Long::sum);
            List<ProjectionBatch.Position> positions = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                positions.add(new ProjectionBatch.Position(partition, nextOffset - events.size() + i));
            }
            return new ProjectionBatch(GROUP, TOPIC, List.copyOf(events), Map.of(partition, nextOffset),
                    Map.copyOf(epochs), positions);
        }

        WriteResult write(int partition, LedgerEvent... events) {
            return writer.write(batch(partition, List.of(events)));
        }

        WriteResult write(int partition, List<? extends LedgerEvent> events) {
            return writer.write(batch(partition, events));
        }
    }

    // ---- reading back ------------------------------------------------------------------------

    private static List<List<String>> rows(String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static String string(String sql) {
        List<List<String>> rows = rows(sql);
        assertThat(rows).as(sql).hasSize(1);
        return rows.get(0).get(0);
    }

    private static long number(String sql) {
        return Long.parseLong(string(sql));
    }

    private static BigDecimal decimal(String sql) {
        String s = string(sql);
        return s == null ? BigDecimal.ZERO : new BigDecimal(s);
    }

    /** Every row of every ledger and stats table (not the offsets, which advance with each batch). */
    private static Map<String, List<List<String>>> snapshot() {
        Map<String, List<List<String>>> all = new LinkedHashMap<>();
        for (String table : TestDatabase.TABLES) {
            if (!table.equals("consumer_offsets")) {
                all.put(table, rows("SELECT * FROM " + table + " ORDER BY 1, 2, 3"));
            }
        }
        return all;
    }

    private double projected(String type, String outcome) {
        return registry.get("ledger.events.projected").tag("type", type).tag("outcome", outcome).counter().count();
    }

    // ---- exactly once ------------------------------------------------------------------------

    private static List<LedgerEvent> mixedEvents() {
        return List.of(
                Events.usage("req_1").withAllOptionals().account("acc_1").build(),
                Events.usage("req_2").key("key_b").tokens(10, 1).cost("0.1", "0.2").build(),
                Events.usage("req_3").at("2026-11-21T23:59:59.999Z").account("acc_2").tokens(5, 5).build(),
                Events.usage("req_4").at("2026-10-31T23:00:00Z").model("gpt-5").build(),
                Events.adjustment("adj_1").account("acc_1").build(),
                Events.usage("req_5").key("key_b").tokens(1, 1).build(),
                Events.adjustment("adj_2").key("key_b").model("gpt-5").amounts("0.5", "0.75").build());
    }

    @Test
    void aBatchWrittenTwiceAddsNothingTheSecondTime() {
        Consumer consumer = new Consumer(0);

        WriteResult first = consumer.write(0, mixedEvents());
        Map<String, List<List<String>>> afterFirst = snapshot();
        WriteResult second = consumer.write(0, mixedEvents());

        assertThat(first).isEqualTo(new WriteResult(5, 0, 2, 0, first.statsRows()));
        assertThat(first.statsRows()).isPositive();
        assertThat(second).isEqualTo(new WriteResult(0, 5, 0, 2, 0));
        assertThat(snapshot()).isEqualTo(afterFirst);
        assertThat(number("SELECT COUNT(*) FROM usage_records")).isEqualTo(5);
        assertThat(number("SELECT COUNT(*) FROM usage_records WHERE input_cost_usd IS NOT NULL")).isEqualTo(1);
        assertThat(number("SELECT COUNT(*) FROM usage_records WHERE input_cost_usd IS NULL AND output_cost_usd IS NULL "
                + "AND cache_write_5m_cost_usd IS NULL AND cache_write_1h_cost_usd IS NULL "
                + "AND cache_read_cost_usd IS NULL")).isEqualTo(4);
        assertThat(rows("SELECT input_cost_usd, output_cost_usd, cache_write_5m_cost_usd, cache_write_1h_cost_usd, "
                + "cache_read_cost_usd FROM usage_records WHERE request_id = 'req_1'")).containsExactly(
                List.of("0.0036000000", "0.0052500000", "0.0112500000", "0.0060000000", "0.0060000000"));
        assertThat(number("SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(2);
        assertThat(projected("usage.recorded", "new")).isEqualTo(5);
        assertThat(projected("usage.recorded", "duplicate")).isEqualTo(5);
        assertThat(projected("cost.adjusted", "duplicate")).isEqualTo(2);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void storesTheStatsOfABatchExactly() {
        new Consumer(0).write(0, mixedEvents());

        // key_a / sonnet, hour 10:00 on 22 Nov: req_1 only (1200 input tokens)
        assertThat(rows("SELECT requests, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, "
                + "ephemeral_5m_tokens, ephemeral_1h_tokens FROM usage_stats WHERE granularity = 'hour' "
                + "AND bucket_start = '2026-11-22 10:00:00' AND api_key_id = 'key_a' AND model = '" + Events.MODEL + "'"))
                .containsExactly(List.of("1", "1200", "350", "4000", "20000", "3000", "1000"));
        // key_a / sonnet, November: req_1 and req_3 (req_4 is October, another model)
        assertThat(rows("SELECT requests, input_tokens FROM usage_stats WHERE granularity = 'month' "
                + "AND bucket_start = '2026-11-01 00:00:00' AND api_key_id = 'key_a' AND model = '" + Events.MODEL + "'"))
                .containsExactly(List.of("2", "1205"));
        // key_a, model '*', November: adj_1 alone
        assertThat(rows("SELECT real_cost_usd, rated_cost_usd FROM cost_stats WHERE granularity = 'month' "
                + "AND api_key_id = 'key_a' AND model = '*'"))
                .containsExactly(List.of("-1.2500000000", "-1.5000000000"));
        // key_b / gpt-5: only the adjustment, no request
        assertThat(rows("SELECT real_cost_usd FROM cost_stats WHERE granularity = 'day' AND api_key_id = 'key_b' "
                + "AND model = 'gpt-5'")).containsExactly(List.of("0.5000000000"));
        assertThat(number("SELECT COUNT(*) FROM usage_stats WHERE api_key_id = 'key_b' AND model = 'gpt-5'"))
                .isZero();
        // acc_1: req_1's usage and cost plus adj_1's cost
        assertThat(rows("SELECT requests, input_tokens, real_cost_usd, rated_cost_usd FROM account_usage_stats "
                + "WHERE granularity = 'day' AND account_id = 'acc_1' ORDER BY model"))
                .containsExactly(List.of("0", "0", "-1.2500000000", "-1.5000000000"),
                        List.of("1", "1200", "0.0010000000", "0.0012000000"));
        assertThat(number("SELECT COUNT(*) FROM account_usage_stats")).isEqualTo(9);
    }

    @Test
    void aResendIsNeverCountedAgainWhateverItCarries() {
        Consumer consumer = new Consumer(0);
        consumer.write(0, Events.usage("req_1").key("key_a").tokens(100, 10).cost("0.001", "0.002").build());

        WriteResult resend = consumer.write(0, Events.usage("req_1").key("key_b").account("acc_9").model("gpt-5")
                .at("2026-11-20T08:00:00Z").tokens(999, 99).cost("9", "9").build());

        assertThat(resend).isEqualTo(new WriteResult(0, 1, 0, 0, 0));
        assertThat(rows("SELECT api_key_id, model, input_tokens, real_cost_usd, account_id FROM usage_records"))
                .containsExactly(java.util.Arrays.asList("key_a", Events.MODEL, "100", "0.0010000000", null));
        assertThat(number("SELECT COUNT(*) FROM usage_stats WHERE api_key_id = 'key_b'")).isZero();
        assertThat(number("SELECT COUNT(*) FROM account_usage_stats")).isZero();
        assertThat(number("SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = 'month'")).isEqualTo(100);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void aRepeatInsideOneBatchIsCountedOnceAndTheFirstWins() {
        WriteResult result = new Consumer(0).write(0,
                Events.usage("req_1").tokens(100, 10).build(),
                Events.usage("req_2").tokens(1, 1).build(),
                Events.usage("req_1").key("key_b").tokens(999, 99).build(),
                Events.adjustment("adj_1").amounts("-1", "-2").build(),
                Events.adjustment("adj_1").amounts("-5", "-5").build());

        assertThat(result).isEqualTo(new WriteResult(2, 1, 1, 1, result.statsRows()));
        assertThat(rows("SELECT api_key_id, input_tokens FROM usage_records WHERE request_id = 'req_1'"))
                .containsExactly(List.of("key_a", "100"));
        assertThat(rows("SELECT real_cost_usd FROM cost_adjustments")).containsExactly(List.of("-1.0000000000"));
        assertThat(number("SELECT requests FROM usage_stats WHERE granularity = 'day'")).isEqualTo(2);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void anAdjustmentIsCountedOnce() {
        Consumer consumer = new Consumer(0);
        consumer.write(0, Events.adjustment("adj_1").account("acc_1").amounts("-1.25", "-1.5").build());
        WriteResult again = consumer.write(0,
                Events.adjustment("adj_1").account("acc_1").amounts("-1.25", "-1.5").build(),
                Events.adjustment("adj_1").key("key_z").amounts("100", "100").build());

        assertThat(again).isEqualTo(new WriteResult(0, 0, 0, 2, 0));
        assertThat(number("SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(1);
        assertThat(decimal("SELECT SUM(rated_cost_usd) FROM cost_stats WHERE granularity = 'hour'"))
                .isEqualByComparingTo("-1.5");
        assertThat(decimal("SELECT SUM(real_cost_usd) FROM account_usage_stats WHERE granularity = 'month'"))
                .isEqualByComparingTo("-1.25");
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void anIdOfAUsageEventAndOfAnAdjustmentAreDistinctKinds() {
        WriteResult result = new Consumer(0).write(0, Events.usage("same_id").build(),
                Events.adjustment("same_id").build());

        assertThat(result).isEqualTo(new WriteResult(1, 0, 1, 0, result.statsRows()));
    }

    @Test
    void idsAreCaseSensitive() {
        WriteResult result = new Consumer(0).write(0, Events.usage("req_a").build(), Events.usage("REQ_A").build(),
                Events.usage("Req_A").key("KEY_A").build());

        assertThat(result.newUsage()).isEqualTo(3);
        assertThat(number("SELECT COUNT(*) FROM usage_stats WHERE granularity = 'hour'")).isEqualTo(2);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void aBatchWithoutValidEventsStillAdvancesTheOffset() {
        Consumer consumer = new Consumer(3);

        WriteResult result = writer.write(new ProjectionBatch(GROUP, TOPIC, List.of(), Map.of(3, 42L),
                Map.copyOf(consumer.epochs)));

        assertThat(result).isEqualTo(new WriteResult(0, 0, 0, 0, 0));
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 3")).isEqualTo(42);
    }

    @Test
    void aLargeBatchIsCountedOnceAcrossJdbcBatchesAndIdChunks() {
        List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            events.add(Events.usage(String.format("req_%05d", i)).key("key_" + i % 7)
                    .at(Events.T0.minusSeconds(i * 97L)).account(i % 3 == 0 ? "acc_" + i % 5 : null)
                    .cost("0.3333333333", "0.0000000001").build());
        }
        for (int i = 0; i < 2_100; i++) {
            events.add(Events.adjustment(String.format("adj_%05d", i)).key("key_" + i % 7)
                    .amounts("0.0000000001", "-0.0000000001").build());
        }
        Consumer consumer = new Consumer(0);

        WriteResult first = consumer.write(0, events);
        WriteResult second = consumer.write(0, events);

        assertThat(first.newUsage()).isEqualTo(2_500);
        assertThat(first.newAdjustments()).isEqualTo(2_100);
        assertThat(second).isEqualTo(new WriteResult(0, 2_500, 0, 2_100, 0));
        assertThat(decimal("SELECT SUM(real_cost_usd) FROM cost_stats WHERE granularity = 'month'"))
                .isEqualTo(new BigDecimal("833.3333334600"));
        assertThat(decimal("SELECT SUM(rated_cost_usd) FROM cost_stats WHERE granularity = 'day'"))
                .isEqualTo(new BigDecimal("0.0000000400"));
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void theInvariantsHoldAfterAMixOfBatches() {
        Random random = new Random(20261122);
        Consumer consumer = new Consumer(0, 1, 2);
        Map<String, UsageRecorded> firstUsage = new LinkedHashMap<>();
        Map<String, CostAdjusted> firstAdjustments = new LinkedHashMap<>();
        List<LedgerEvent> sent = new ArrayList<>();
        String[] keys = {"key_a", "key_b", "Key_a", "key_c:1", "key.d"};
        String[] models = {Events.MODEL, "claude-opus-4-1-20250805", "gpt-5"};
        int newUsage = 0;
        int newAdjustments = 0;
        int events = 0;
        for (int b = 0; b < 30; b++) {
            List<LedgerEvent> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int dice = random.nextInt(100);
                LedgerEvent e;
                if (dice < 15 && !sent.isEmpty()) {
                    e = resend(sent.get(random.nextInt(sent.size())), random);
                } else if (dice < 20 && !batch.isEmpty()) {
                    e = batch.get(random.nextInt(batch.size()));
                } else if (dice < 30) {
                    e = Events.adjustment("adj_" + b + "_" + i).key(keys[random.nextInt(keys.length)])
                            .model(random.nextBoolean() ? "*" : models[random.nextInt(models.length)])
                            .account(random.nextBoolean() ? "acc_" + random.nextInt(3) : null)
                            .at(randomInstant(random)).amounts(money(random, true), money(random, true)).build();
                } else {
                    long cacheCreate = random.nextInt(5000);
                    long eph1h = random.nextInt((int) cacheCreate + 1);
                    long eph5m = random.nextInt((int) (cacheCreate - eph1h) + 1);
                    Events.UsageBuilder u = Events.usage("req_" + b + "_" + i)
                            .key(keys[random.nextInt(keys.length)]).model(models[random.nextInt(models.length)])
                            .account(random.nextInt(4) == 0 ? null : "acc_" + random.nextInt(3))
                            .at(randomInstant(random))
                            .tokens(new TokenUsage(random.nextInt(100_000), random.nextInt(10_000), cacheCreate,
                                    eph5m, eph1h, random.nextInt(1_000_000)))
                            .cost(money(random, false), money(random, false));
                    if (random.nextBoolean()) {
                        u.breakdown("0.1", "0.2", "0.3", "0.4", "0.5");
                    }
                    if (random.nextInt(8) == 0) {
                        u.cost("0", "0").source(PricingSource.UNPRICED);
                    }
                    e = u.build();
                }
                batch.add(e);
                if (e instanceof UsageRecorded u) {
                    firstUsage.putIfAbsent(u.requestId(), u);
                } else if (e instanceof CostAdjusted a) {
                    firstAdjustments.putIfAbsent(a.adjustmentId(), a);
                }
            }
            WriteResult result = consumer.write(b % 3, batch);
            newUsage += result.newUsage();
            newAdjustments += result.newAdjustments();
            events += batch.size();
            assertThat(result.newUsage() + result.duplicateUsage() + result.newAdjustments()
                    + result.duplicateAdjustments()).isEqualTo(batch.size());
            sent.addAll(batch);
        }

        assertThat(newUsage).isEqualTo(firstUsage.size());
        assertThat(newAdjustments).isEqualTo(firstAdjustments.size());
        assertThat(events).isGreaterThan(newUsage + newAdjustments);
        assertThat(LedgerInvariants.mismatches(ds)).isEmpty();
        // and the ledger holds exactly the first version of each id
        long input = firstUsage.values().stream().mapToLong(u -> u.usage().input()).sum();
        BigDecimal real = firstUsage.values().stream().map(u -> u.cost().realUsd()).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        BigDecimal adjusted = firstAdjustments.values().stream().map(CostAdjusted::realUsd).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        long unpriced = firstUsage.values().stream().filter(u -> u.cost().source() == PricingSource.UNPRICED)
                .count();
        assertThat(unpriced).isPositive();
        assertThat(number("SELECT SUM(input_tokens) FROM usage_records")).isEqualTo(input);
        for (String g : List.of("hour", "day", "month")) {
            assertThat(number("SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = '" + g + "'"))
                    .isEqualTo(input);
            for (String table : List.of("usage_stats", "key_stats", "model_stats")) {
                assertThat(number("SELECT SUM(unpriced_requests) FROM " + table + " WHERE granularity = '" + g + "'"))
                        .as(table).isEqualTo(unpriced);
            }
            assertThat(number("SELECT SUM(input_tokens) FROM key_stats WHERE granularity = '" + g + "'"))
                    .isEqualTo(input);
            assertThat(decimal("SELECT SUM(real_cost_usd) FROM model_stats WHERE granularity = '" + g + "'"))
                    .isEqualByComparingTo(real.add(adjusted));
            assertThat(decimal("SELECT SUM(real_cost_usd) FROM cost_stats WHERE granularity = '" + g + "'"))
                    .isEqualByComparingTo(real.add(adjusted));
        }
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0"))
                .isEqualTo(consumer.next.get(0));
    }

    private static Instant randomInstant(Random random) {
        // 25 Oct to 22 Nov: crosses a month boundary and many days
        return Instant.parse("2026-10-25T00:00:00Z").plusMillis((long) (random.nextDouble() * 28 * 86_400_000L));
    }

    private static String money(Random random, boolean signed) {
        BigDecimal v = BigDecimal.valueOf(random.nextLong(10_000_000_000_000L), 10);
        return (signed && random.nextBoolean() ? v.negate() : v).toPlainString();
    }

    /** The same id with different content: must never count. */
    private static LedgerEvent resend(LedgerEvent original, Random random) {
        if (original instanceof UsageRecorded u) {
            return Events.usage(u.requestId()).key(random.nextBoolean() ? u.apiKeyId() : "key_other")
                    .at(u.occurredAt().plusSeconds(random.nextInt(3600))).tokens(777_777, 7).cost("7", "7").build();
        }
        CostAdjusted a = (CostAdjusted) original;
        return Events.adjustment(a.adjustmentId()).key(a.apiKeyId()).amounts("777", "777").build();
    }

    // ---- several polls in one transaction -----------------------------------------------------

    @Test
    void pollsGatheredInOneTransactionStoreWhatOneBatchEachWouldStore() {
        List<LedgerEvent> events = mixedEvents();
        Consumer single = new Consumer(0);
        for (LedgerEvent e : events) {
            single.write(0, e);
        }
        Map<String, List<List<String>>> oneBatchEach = withoutTokens(snapshot());
        TestDatabase.truncateAll(ds);

        Consumer gathering = new Consumer(0);
        WriteResult result;
        try (ProjectionTransaction t = writer.open()) {
            for (LedgerEvent e : events) {
                t.add(gathering.batch(0, List.of(e)));
            }
            assertThat(t.polls()).isEqualTo(events.size());
            assertThat(t.events()).isEqualTo(events.size());
            result = t.commit();
        }

        assertThat(withoutTokens(snapshot())).isEqualTo(oneBatchEach);
        assertThat(result).isEqualTo(new WriteResult(5, 0, 2, 0, result.statsRows()));
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(7);
        LedgerInvariants.assertHold(ds);
    }

    /** The snapshot with {@code ledger_event_ids} reduced to its ids (its batch tokens are random). */
    private static Map<String, List<List<String>>> withoutTokens(Map<String, List<List<String>>> snapshot) {
        Map<String, List<List<String>>> copy = new LinkedHashMap<>(snapshot);
        copy.put("ledger_event_ids", rows("SELECT event_kind, event_id, occurred_at FROM ledger_event_ids ORDER BY 1, 2"));
        return copy;
    }

    @Test
    void anIdRepeatedInALaterPollOfTheSameTransactionIsCountedOnceAndTheFirstWins() {
        Consumer consumer = new Consumer(0);
        UsageRecorded original = Events.usage("req_1").tokens(10, 1).build();
        UsageRecorded resend = Events.usage("req_1").key("key_b").tokens(999, 999).build();
        WriteResult result;
        try (ProjectionTransaction t = writer.open()) {
            t.add(consumer.batch(0, List.of(original, Events.usage("req_2").build())));
            t.add(consumer.batch(0, List.of(resend)));
            t.add(consumer.batch(0, List.of(resend, Events.adjustment("adj_1").build())));
            result = t.commit();
        }

        assertThat(result).isEqualTo(new WriteResult(2, 2, 1, 0, result.statsRows()));
        assertThat(rows("SELECT api_key_id, input_tokens FROM usage_records WHERE request_id = 'req_1'"))
                .containsExactly(List.of("key_a", "10"));
        assertThat(number("SELECT SUM(requests) FROM usage_stats WHERE granularity = 'day'")).isEqualTo(2);
        assertThat(projected("usage.recorded", "duplicate")).isEqualTo(2);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void nothingOfATransactionClosedUncommittedIsKeptAndItsPollsCountWhenReadAgain() {
        Consumer consumer = new Consumer(0);
        List<LedgerEvent> events = mixedEvents();
        ProjectionBatch first = consumer.batch(0, events.subList(0, 3));
        ProjectionBatch second = consumer.batch(0, events.subList(3, events.size()));
        try (ProjectionTransaction t = writer.open()) {
            t.add(first);
            t.add(second);
        }

        assertThat(snapshot().values()).allSatisfy(rows -> assertThat(rows).isEmpty());
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(-1);
        assertThat(projected("usage.recorded", "new")).isZero();

        try (ProjectionTransaction again = writer.open()) {
            again.add(first);
            again.add(second);
            again.commit();
        }
        assertThat(number("SELECT COUNT(*) FROM usage_records")).isEqualTo(5);
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(7);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void aTransactionFencedOnALaterPollIsRolledBackWholeAndUnusable() {
        Consumer a = new Consumer(0, 1);
        ProjectionTransaction t = writer.open();
        t.add(a.batch(0, List.of(Events.usage("req_1").build())));
        new Consumer(1);

        assertThatThrownBy(() -> t.add(a.batch(1, List.of(Events.usage("req_2").build()))))
                .isInstanceOf(FencedException.class).hasMessageContaining(TOPIC + "-1");
        assertThatThrownBy(t::commit).isInstanceOf(IllegalStateException.class);
        t.close();

        assertThat(number("SELECT COUNT(*) FROM ledger_event_ids")).isZero();
        assertThat(rows("SELECT partition_id, next_offset FROM consumer_offsets ORDER BY partition_id"))
                .containsExactly(List.of("0", "-1"), List.of("1", "-1"));
    }

    // ---- fencing -----------------------------------------------------------------------------

    @Test
    void aZombieConsumerIsFencedAndCommitsNothing() {
        Consumer a = new Consumer(0);
        Consumer b = new Consumer(0);
        assertThat(b.epochs.get(0)).isGreaterThan(a.epochs.get(0));
        List<LedgerEvent> events = mixedEvents();

        assertThatThrownBy(() -> a.write(0, events)).isInstanceOf(FencedException.class)
                .hasMessageContaining(TOPIC + "-0");

        assertThat(snapshot().values()).allSatisfy(rows -> assertThat(rows).isEmpty());
        assertThat(rows("SELECT next_offset, epoch FROM consumer_offsets"))
                .containsExactly(List.of("-1", String.valueOf(b.epochs.get(0))));
        assertThat(registry.get("ledger.projection.retries").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());

        WriteResult committed = b.write(0, events);
        assertThat(committed.newUsage()).isEqualTo(5);
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(7);
        b.write(0, Events.usage("req_6").build());
        assertThat(number("SELECT next_offset FROM consumer_offsets WHERE partition_id = 0")).isEqualTo(8);
        LedgerInvariants.assertHold(ds);

        // the next owner starts where b stopped, and fences b in turn
        List<PartitionClaim> claims = offsets.claim(GROUP, TOPIC, List.of(0));
        assertThat(claims).containsExactly(new PartitionClaim(TOPIC, 0, 8, b.epochs.get(0) + 1));
        assertThat(claims.get(0).hasStoredOffset()).isTrue();
        assertThatThrownBy(() -> b.write(0, Events.usage("req_7").build())).isInstanceOf(FencedException.class);
        assertThat(number("SELECT COUNT(*) FROM usage_records WHERE request_id = 'req_7'")).isZero();
    }

    @Test
    void aLaterClaimLeavesTheTimeOfTheLastCommit() {
        Consumer a = new Consumer(3);
        a.write(3, Events.usage("req_claim_time").build());
        String committedAt = rows("SELECT updated_at FROM consumer_offsets WHERE topic = '" + TOPIC
                + "' AND partition_id = 3").get(0).get(0);

        ConsumerOffsets later = new ConsumerOffsets(ds, Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC),
                new TransactionRetry("offsets-later", RetrySettings.DEFAULTS, registry));
        later.claim(GROUP, TOPIC, List.of(3));

        assertThat(rows("SELECT updated_at FROM consumer_offsets WHERE topic = '" + TOPIC + "' AND partition_id = 3"))
                .containsExactly(List.of(committedAt));
    }

    @Test
    void aFirstClaimHasNoStoredOffset() {
        List<PartitionClaim> claims = offsets.claim(GROUP, "other-topic", List.of(2, 0, 1));

        assertThat(claims).containsExactly(new PartitionClaim("other-topic", 0, -1, 1),
                new PartitionClaim("other-topic", 1, -1, 1), new PartitionClaim("other-topic", 2, -1, 1));
        assertThat(claims).noneMatch(PartitionClaim::hasStoredOffset);
    }

    @Test
    void aBatchFencedOnOneOfItsPartitionsCommitsNothingOnAnyOther() {
        Consumer a = new Consumer(0, 1);
        new Consumer(1);

        ProjectionBatch batch = new ProjectionBatch(GROUP, TOPIC, List.of(Events.usage("req_1").build()),
                Map.of(0, 10L, 1, 10L), Map.copyOf(a.epochs));

        assertThatThrownBy(() -> writer.write(batch)).isInstanceOf(FencedException.class)
                .hasMessageContaining(TOPIC + "-1");
        assertThat(rows("SELECT partition_id, next_offset FROM consumer_offsets ORDER BY partition_id"))
                .containsExactly(List.of("0", "-1"), List.of("1", "-1"));
        assertThat(number("SELECT COUNT(*) FROM ledger_event_ids")).isZero();
    }

    @Test
    void aBatchForAPartitionNeverClaimedIsFenced() {
        Consumer a = new Consumer(0);

        assertThatThrownBy(() -> writer.write(new ProjectionBatch(GROUP, TOPIC, List.of(Events.usage("req_1").build()),
                Map.of(5, 1L), Map.copyOf(a.epochs)))).isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> writer.write(new ProjectionBatch(GROUP, TOPIC, List.of(Events.usage("req_1").build()),
                Map.of(5, 1L), Map.of(5, 1L)))).isInstanceOf(FencedException.class);
        assertThat(number("SELECT COUNT(*) FROM usage_records")).isZero();
    }

    // ---- concurrency -------------------------------------------------------------------------

    @Test
    void writersOfTwoPartitionsKeepTheFirstAcceptedVersionOfAnIdTheyBothCarry() throws Exception {
        Consumer[] consumers = {new Consumer(writer(ds, ZoneOffset.UTC), 0), new Consumer(writer(ds, ZoneOffset.UTC), 1)};
        int batches = 15;
        int perBatch = 60;
        CyclicBarrier start = new CyclicBarrier(consumers.length);
        ExecutorService pool = Executors.newFixedThreadPool(consumers.length);
        java.util.Set<String> requestIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<String> adjustmentIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // Per partition, the ids it carried: an id only one partition carried counts in that partition's version.
        List<java.util.Set<String>> carried = List.of(java.util.concurrent.ConcurrentHashMap.newKeySet(),
                java.util.concurrent.ConcurrentHashMap.newKeySet());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < consumers.length; t++) {
                int partition = t;
                Consumer consumer = consumers[t];
                futures.add(pool.submit(() -> {
                    Random random = new Random(partition);
                    start.await(10, TimeUnit.SECONDS);
                    for (int b = 0; b < batches; b++) {
                        List<LedgerEvent> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            // 400 ids shared by both partitions; each partition carries its own version, accepted
                            // first on partition (id % 2): whichever partition commits first, that one counts
                            int id = random.nextInt(400);
                            requestIds.add("req_" + id);
                            carried.get(partition).add("req_" + id);
                            batch.add(Events.usage("req_" + id).key("key_" + (id + partition) % 4)
                                    .at(Events.T0.plusSeconds(id * 60L))
                                    .received(Events.T0.plusSeconds(id).plusMillis(partition == id % 2 ? 0 : 1))
                                    .account(id % 2 == 0 ? "acc_" + partition : null)
                                    .tokens(1 + partition, 10 * (1 + partition))
                                    .cost(partition == 0 ? "0.1" : "0.2", "0.3").build());
                            if (i % 20 == 0) {
                                int adj = random.nextInt(50);
                                adjustmentIds.add("adj_" + adj);
                                carried.get(partition).add("adj_" + adj);
                                batch.add(Events.adjustment("adj_" + adj).key("key_" + i % 4)
                                        .received(Events.T0.plusSeconds(adj).plusMillis(partition == adj % 2 ? 0 : 1))
                                        .amounts(partition == 0 ? "-1" : "-2", "-1").build());
                            }
                        }
                        consumer.write(partition, batch);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }

            assertThat(number("SELECT COUNT(*) FROM usage_records")).isEqualTo(requestIds.size());
            assertThat(number("SELECT COUNT(*) FROM ledger_event_ids WHERE event_kind = 'U'"))
                    .isEqualTo(requestIds.size());
            assertThat(number("SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(adjustmentIds.size());
            assertThat(number("SELECT SUM(requests) FROM usage_stats WHERE granularity = 'month'"))
                    .isEqualTo(requestIds.size());
            for (List<String> row : rows("SELECT request_id, input_tokens, api_key_id FROM usage_records")) {
                int id = Integer.parseInt(row.get(0).substring(4));
                int firstAccepted = carried.get(id % 2).contains(row.get(0)) ? id % 2 : 1 - id % 2;
                assertThat(row).as("the version accepted first").containsExactly(row.get(0),
                        Integer.toString(1 + firstAccepted), "key_" + (id + firstAccepted) % 4);
            }
            for (List<String> row : rows("SELECT adjustment_id, real_cost_usd FROM cost_adjustments")) {
                int adj = Integer.parseInt(row.get(0).substring(4));
                int firstAccepted = carried.get(adj % 2).contains(row.get(0)) ? adj % 2 : 1 - adj % 2;
                assertThat(new BigDecimal(row.get(1))).as(row.get(0))
                        .isEqualByComparingTo(firstAccepted == 0 ? "-1" : "-2");
            }
            assertThat(number("SELECT COUNT(*) FROM ledger_conflicts WHERE swapped")).isPositive();
            assertThat(LedgerInvariants.mismatches(ds)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- first accepted wins ----------------------------------------------------------------

    private static final Instant ACCEPTED = Instant.parse("2026-11-22T11:00:00.000Z");

    private double swaps(String kind) {
        return registry.get("ledger.version.swaps").tag("kind", kind).counter().count();
    }

    private double conflicts(String field) {
        return registry.get("ledger.resend.conflicts").tag("field", field).counter().count();
    }

    /** Every measure of every stats table, summed per subject and model (zero sums left out: a zero row is none). */
    private static List<List<String>> statsBySubject() {
        List<List<String>> all = new ArrayList<>();
        all.addAll(rows("SELECT 'usage', granularity, api_key_id, model, SUM(requests), SUM(input_tokens), "
                + "SUM(output_tokens) FROM usage_stats GROUP BY granularity, api_key_id, model "
                + "HAVING SUM(requests) <> 0 OR SUM(input_tokens) <> 0 ORDER BY 2, 3, 4"));
        all.addAll(rows("SELECT 'cost', granularity, api_key_id, model, SUM(real_cost_usd), SUM(rated_cost_usd) "
                + "FROM cost_stats GROUP BY granularity, api_key_id, model "
                + "HAVING SUM(real_cost_usd) <> 0 OR SUM(rated_cost_usd) <> 0 ORDER BY 2, 3, 4"));
        all.addAll(rows("SELECT 'account', granularity, account_id, model, SUM(requests), SUM(input_tokens), "
                + "SUM(real_cost_usd) FROM account_usage_stats GROUP BY granularity, account_id, model "
                + "HAVING SUM(requests) <> 0 OR SUM(real_cost_usd) <> 0 ORDER BY 2, 3, 4"));
        return all;
    }

    @Test
    void aVersionReadLaterButAcceptedEarlierReplacesTheCountedOne() {
        UsageRecorded resend = Events.usage("req_1").key("key_b").account("acc_9").at("2026-11-20T08:00:00Z")
                .tokens(999, 99).cost("9", "9").received(ACCEPTED.plusSeconds(2)).build();
        UsageRecorded original = Events.usage("req_1").key("key_a").account("acc_1").tokens(100, 10)
                .cost("0.001", "0.002").received(ACCEPTED).build();
        new Consumer(0).write(0, Events.usage("req_2").key("key_a").received(ACCEPTED).build(), original);
        Map<String, List<List<String>>> expected = Map.of("stats", statsBySubject(),
                "ledger", rows("SELECT * FROM usage_records ORDER BY 2"),
                "claims", rows("SELECT event_kind, event_id, occurred_at FROM ledger_event_ids ORDER BY 2"));
        TestDatabase.truncateAll(ds);
        new Consumer(0).write(0, Events.usage("req_2").key("key_a").received(ACCEPTED).build());
        new Consumer(1).write(1, resend);
        new Consumer(0).write(0, original);

        assertThat(Map.of("stats", statsBySubject(), "ledger", rows("SELECT * FROM usage_records ORDER BY 2"),
                "claims", rows("SELECT event_kind, event_id, occurred_at FROM ledger_event_ids ORDER BY 2")))
                .as("as if the resend had never been read").isEqualTo(expected);
        assertThat(rows("SELECT api_key_id, account_id, input_tokens, occurred_at FROM usage_records "
                + "WHERE request_id = 'req_1'")).containsExactly(List.of("key_a", "acc_1", "100",
                "2026-11-22 10:15:30.123"));
        assertThat(rows("SELECT event_kind, event_id, counted_api_key_id, resent_api_key_id, swapped, "
                + "differing_fields, topic, partition_id, partition_offset FROM ledger_conflicts"))
                .containsExactly(List.of("U", "req_1", "key_b", "key_a", "1",
                        "occurredAt,apiKeyId,accountId,usage.inputTokens,usage.outputTokens", TOPIC, "0", "1"));
        assertThat(swaps("usage")).isEqualTo(1);
        assertThat(conflicts("apiKeyId")).isEqualTo(1);
        assertThat(conflicts("usage.inputTokens")).isEqualTo(1);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void theVersionsOfAConflictAreStoredInFull() {
        new Consumer(1).write(1, Events.usage("req_1").key("key_b").received(ACCEPTED.plusSeconds(1)).build());
        new Consumer(0).write(0, Events.usage("req_1").withAllOptionals().received(ACCEPTED).build());

        List<String> row = rows("SELECT counted_version, resent_version FROM ledger_conflicts").get(0);
        var codec = new dev.usageledger.projections.event.EventCodec();
        var counted = (UsageRecorded) codec.decode(row.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var resent = (UsageRecorded) codec.decode(row.get(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(counted.apiKeyId()).isEqualTo("key_b");
        assertThat(resent).isEqualTo(Events.usage("req_1").withAllOptionals().received(ACCEPTED).build());
    }

    @Test
    void anEarlierVersionPastTheSwapHorizonIsRecordedAndNeverSwapped() {
        Consumer consumer = new Consumer(0);
        consumer.write(0, Events.usage("req_1").key("key_b").tokens(5, 5).received(ACCEPTED).build());
        Map<String, List<List<String>>> before = snapshot();

        consumer.write(0, Events.usage("req_1").key("key_a").tokens(5, 5)
                .received(ACCEPTED.minus(ProjectionWriter.DEFAULT_SWAP_HORIZON).minusMillis(1)).build());

        Map<String, List<List<String>>> after = snapshot();
        after.remove("ledger_conflicts");
        before.remove("ledger_conflicts");
        assertThat(after).isEqualTo(before);
        assertThat(rows("SELECT counted_api_key_id, resent_api_key_id, swapped, differing_fields FROM ledger_conflicts"))
                .containsExactly(List.of("key_b", "key_a", "0", "apiKeyId"));
        assertThat(registry.get("ledger.resend.conflicts.past.horizon").counter().count()).isEqualTo(1);
        assertThat(registry.find("ledger.version.swaps").counters()).isEmpty();
    }

    @Test
    void aLaterDifferingResendIsRecordedAndAnIdenticalOneIsNot() {
        Consumer consumer = new Consumer(0);
        UsageRecorded original = Events.usage("req_1").withAllOptionals().received(ACCEPTED).build();
        consumer.write(0, original);
        Map<String, List<List<String>>> before = snapshot();

        consumer.write(0, Events.usage("req_1").withAllOptionals().received(ACCEPTED.plusSeconds(9))
                .relay("another-relay", ACCEPTED.plusSeconds(9)).build());
        consumer.write(0, Events.usage("req_1").withAllOptionals().received(ACCEPTED.minusSeconds(9)).build());

        assertThat(snapshot()).as("identical resends, earlier or later, change nothing").isEqualTo(before);
        assertThat(registry.find("ledger.resend.conflicts").counters()).isEmpty();

        consumer.write(0, Events.usage("req_1").withAllOptionals().tokens(1, 1).received(ACCEPTED.plusSeconds(9))
                .build());
        assertThat(rows("SELECT swapped, differing_fields FROM ledger_conflicts"))
                .containsExactly(List.of("0", "usage.inputTokens,usage.outputTokens,usage.cacheCreateTokens,"
                        + "usage.ephemeral5mTokens,usage.ephemeral1hTokens,usage.cacheReadTokens"));
        assertThat(rows("SELECT input_tokens FROM usage_records")).containsExactly(List.of("1200"));
    }

    @Test
    void anEarlierAdjustmentReplacesTheCountedOne() {
        new Consumer(1).write(1, Events.adjustment("adj_1").key("key_b").account("acc_9").amounts("-7", "-8")
                .received(ACCEPTED.plusSeconds(1)).build());

        new Consumer(0).write(0, Events.adjustment("adj_1").key("key_a").account("acc_1").amounts("-1.25", "-1.5")
                .received(ACCEPTED).build());

        assertThat(rows("SELECT api_key_id, account_id, real_cost_usd, rated_cost_usd FROM cost_adjustments"))
                .containsExactly(List.of("key_a", "acc_1", "-1.2500000000", "-1.5000000000"));
        assertThat(statsBySubject()).containsExactlyInAnyOrder(
                List.of("cost", "day", "key_a", "*", "-1.2500000000", "-1.5000000000"),
                List.of("cost", "hour", "key_a", "*", "-1.2500000000", "-1.5000000000"),
                List.of("cost", "month", "key_a", "*", "-1.2500000000", "-1.5000000000"),
                List.of("account", "day", "acc_1", "*", "0", "0", "-1.2500000000"),
                List.of("account", "hour", "acc_1", "*", "0", "0", "-1.2500000000"),
                List.of("account", "month", "acc_1", "*", "0", "0", "-1.2500000000"));
        assertThat(rows("SELECT event_kind, swapped, differing_fields FROM ledger_conflicts"))
                .containsExactly(List.of("A", "1", "apiKeyId,accountId,realUsd,ratedUsd"));
        assertThat(swaps("adjustment")).isEqualTo(1);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void anEarlierVersionInALaterPollOfTheSameTransactionReplacesTheOneOfAnEarlierPoll() {
        Consumer consumer = new Consumer(0);
        try (ProjectionTransaction t = writer.open()) {
            t.add(consumer.batch(0, List.of(Events.usage("req_1").key("key_b").tokens(9, 9)
                    .received(ACCEPTED.plusMillis(5)).build())));
            t.add(consumer.batch(0, List.of(Events.usage("req_1").key("key_a").tokens(1, 1).received(ACCEPTED)
                    .build())));
            t.commit();
        }

        assertThat(rows("SELECT api_key_id, input_tokens FROM usage_records")).containsExactly(List.of("key_a", "1"));
        assertThat(statsBySubject()).filteredOn(r -> r.get(0).equals("usage")).extracting(r -> r.get(2))
                .containsOnly("key_a");
        assertThat(number("SELECT COUNT(*) FROM ledger_conflicts WHERE swapped")).isEqualTo(1);
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void ofTwoVersionsInOnePollTheFirstAcceptedCountsAndTheOtherIsRecorded() {
        WriteResult result = new Consumer(0).write(0,
                Events.usage("req_1").key("key_b").tokens(9, 9).received(ACCEPTED.plusMillis(5)).build(),
                Events.usage("req_1").key("key_a").tokens(1, 1).received(ACCEPTED).build(),
                Events.usage("req_1").key("key_a").tokens(1, 1).received(ACCEPTED.plusMillis(9)).build());

        assertThat(result.newUsage()).isEqualTo(1);
        assertThat(rows("SELECT api_key_id, input_tokens FROM usage_records")).containsExactly(List.of("key_a", "1"));
        assertThat(rows("SELECT counted_api_key_id, resent_api_key_id, swapped, partition_offset "
                + "FROM ledger_conflicts")).containsExactly(List.of("key_b", "key_a", "1", "1"));
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void aSwapWithinAPollThatLosesToTheCountedVersionLeavesItsClaimOnTheCountedRow() {
        // counted: accepted first; then one poll holding a later version and one accepted between the two
        new Consumer(1).write(1, Events.usage("req_1").key("key_s").at("2026-11-22T10:00:00Z")
                .received(ACCEPTED.plusSeconds(1)).build());
        new Consumer(0).write(0,
                Events.usage("req_1").key("key_a").at("2026-11-22T11:00:00Z").received(ACCEPTED.plusSeconds(3)).build(),
                Events.usage("req_1").key("key_b").at("2026-11-22T12:00:00Z").received(ACCEPTED.plusSeconds(2)).build());
        assertThat(rows("SELECT api_key_id FROM usage_records")).containsExactly(List.of("key_s"));
        assertThat(rows("SELECT c.occurred_at = u.occurred_at FROM ledger_event_ids c JOIN usage_records u"
                + " ON u.request_id = c.event_id")).containsExactly(List.of("1"));

        // a version accepted before the counted one still finds it, and replaces it
        new Consumer(2).write(2, Events.usage("req_1").key("key_e").at("2026-11-22T09:00:00Z")
                .received(ACCEPTED).build());

        assertThat(rows("SELECT api_key_id FROM usage_records")).containsExactly(List.of("key_e"));
        assertThat(rows("SELECT resent_api_key_id, swapped FROM ledger_conflicts WHERE counted_api_key_id = 'key_s'"
                + " ORDER BY conflict_id")).contains(List.of("key_e", "1"));
        LedgerInvariants.assertHold(ds);
    }

    @Test
    void aRolledBackSwapCountsNothing() {
        new Consumer(1).write(1, Events.usage("req_1").key("key_b").received(ACCEPTED.plusSeconds(1)).build());
        Map<String, List<List<String>>> before = snapshot();
        Consumer consumer = new Consumer(0);
        try (ProjectionTransaction t = writer.open()) {
            t.add(consumer.batch(0, List.of(Events.usage("req_1").key("key_a").received(ACCEPTED).build())));
        }

        assertThat(snapshot()).isEqualTo(before);
        assertThat(registry.find("ledger.version.swaps").counters()).isEmpty();
        assertThat(registry.find("ledger.resend.conflicts").counters()).isEmpty();
    }

    // ---- time ---------------------------------------------------------------------------------

    @Test
    void storesUtcWhateverTheJvmDefaultZone() {
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
        // a pool opened under the Tokyo default, so the driver's session set-up sees it as well
        try (HikariDataSource tokyo = TestDatabase.pool(ds.getJdbcUrl(), 2)) {
            ProjectionWriter tokyoWriter = writer(tokyo, ZoneOffset.UTC);
            Consumer consumer = new Consumer(tokyoWriter, 0);

            consumer.write(0,
                    Events.usage("req_1").at("2026-11-22T23:30:15.123Z").account("acc_1")
                            .relay("relay-1", Instant.parse("2026-11-22T23:30:16.456Z")).build(),
                    Events.adjustment("adj_1").at("2026-11-30T20:00:00.007Z").withAllOptionals().build());

            assertThat(string("SELECT DATE_FORMAT(occurred_at, '%Y-%m-%dT%H:%i:%s.%f') FROM usage_records"))
                    .isEqualTo("2026-11-22T23:30:15.123000");
            assertThat(string("SELECT DATE_FORMAT(received_at, '%Y-%m-%dT%H:%i:%s.%f') FROM usage_records"))
                    .isEqualTo("2026-11-22T23:30:16.456000");
            assertThat(string("SELECT CAST(occurred_at AS CHAR) FROM ledger_event_ids WHERE event_kind = 'U'"))
                    .isEqualTo("2026-11-22 23:30:15.123");
            assertThat(string("SELECT CAST(occurred_at AS CHAR) FROM cost_adjustments"))
                    .isEqualTo("2026-11-30 20:00:00.007");
            assertThat(rows("SELECT granularity, CAST(bucket_start AS CHAR) FROM usage_stats ORDER BY granularity"))
                    .containsExactly(List.of("day", "2026-11-22 00:00:00"), List.of("hour", "2026-11-22 23:00:00"),
                            List.of("month", "2026-11-01 00:00:00"));
            assertThat(rows("SELECT granularity, CAST(bucket_start AS CHAR) FROM cost_stats WHERE model = '*' "
                    + "ORDER BY granularity")).containsExactly(List.of("day", "2026-11-30 00:00:00"),
                    List.of("hour", "2026-11-30 20:00:00"), List.of("month", "2026-11-01 00:00:00"));
            assertThat(rows("SELECT DISTINCT CAST(updated_at AS CHAR) FROM consumer_offsets"))
                    .containsExactly(List.of("2026-11-22 12:00:00.000"));
            LedgerInvariants.assertHold(tokyo);
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void daysAndMonthsOfTheReportingZoneAreStoredAsUtcInstants() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        Consumer consumer = new Consumer(writer(ds, shanghai), 0);

        consumer.write(0, Events.usage("req_1").at("2026-11-22T17:00:00Z").account("acc_1").build(),
                Events.usage("req_2").at("2026-11-22T15:59:59.999Z").build(),
                Events.adjustment("adj_1").at("2026-11-30T16:30:00Z").build());

        assertThat(rows("SELECT granularity, CAST(bucket_start AS CHAR), requests FROM usage_stats "
                + "ORDER BY granularity, bucket_start")).containsExactly(
                List.of("day", "2026-11-21 16:00:00", "1"),
                List.of("day", "2026-11-22 16:00:00", "1"),
                List.of("hour", "2026-11-22 15:00:00", "1"),
                List.of("hour", "2026-11-22 17:00:00", "1"),
                List.of("month", "2026-10-31 16:00:00", "2"));
        assertThat(rows("SELECT granularity, CAST(bucket_start AS CHAR) FROM cost_stats WHERE model = '*' "
                + "ORDER BY granularity")).containsExactly(List.of("day", "2026-11-30 16:00:00"),
                List.of("hour", "2026-11-30 16:00:00"), List.of("month", "2026-11-30 16:00:00"));
        LedgerInvariants.assertHold(ds, shanghai);
        LedgerInvariants.assertHold(ds, ZoneOffset.ofHours(8));
    }

    @Test
    void theInvariantCheckFindsATamperedRow() {
        new Consumer(0).write(0, mixedEvents());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE usage_stats SET input_tokens = input_tokens + 1 WHERE granularity = 'day' "
                    + "AND api_key_id = 'key_b'");
            s.executeUpdate("UPDATE cost_stats SET real_cost_usd = real_cost_usd + 0.0000000001 "
                    + "WHERE granularity = 'hour' AND api_key_id = 'key_a' AND model = '*'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        List<String> mismatches = LedgerInvariants.mismatches(ds);

        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("usage_stats[day]").contains("key_b")
                .contains("input_tokens"));
        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("usage_stats[day buckets]"));
        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("cost_stats[hour]").contains("real_cost_usd"));
        assertThat(mismatches).noneSatisfy(m -> assertThat(m).startsWith("usage_stats[hour]"));
    }

    @Test
    void theInvariantCheckFindsATamperedRollupAndUnpricedCount() {
        new Consumer(0).write(0, mixedEvents());
        assertThat(LedgerInvariants.mismatches(ds)).isEmpty();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE model_stats SET rated_cost_usd = rated_cost_usd + 1 WHERE granularity = 'month'");
            s.executeUpdate("UPDATE key_stats SET requests = requests + 1 WHERE granularity = 'hour' "
                    + "AND api_key_id = 'key_a'");
            s.executeUpdate("UPDATE account_usage_stats SET unpriced_requests = 1 WHERE granularity = 'day'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        List<String> mismatches = LedgerInvariants.mismatches(ds);

        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("model_stats [month").contains("rated_cost_usd"));
        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("key_stats [hour").contains("key_a")
                .contains("requests"));
        assertThat(mismatches).anySatisfy(m -> assertThat(m).startsWith("account_usage_stats[day]")
                .contains("unpriced_requests"));
        assertThat(mismatches).noneSatisfy(m -> assertThat(m).startsWith("usage_stats"));
    }
}
