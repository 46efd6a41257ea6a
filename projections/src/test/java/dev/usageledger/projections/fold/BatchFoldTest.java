package dev.usageledger.projections.fold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BatchFoldTest {

    private final BatchFold fold = new BatchFold(new Buckets(ZoneOffset.UTC));

    private static Map<StatsKey, Measures> rows(List<Map.Entry<StatsKey, Measures>> entries) {
        Map<StatsKey, Measures> map = new java.util.HashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        assertThat(map).as("one row per key").hasSize(entries.size());
        return map;
    }

    private static StatsKey key(Granularity g, String start, String subject, String model) {
        return new StatsKey(g, LocalDateTime.parse(start), subject, model);
    }

    @Test
    void oneUsageEventGivesOneRowPerGranularity() {
        UsageRecorded u = Events.usage("req_1").tokens(new TokenUsage(1200, 350, 4000, 3000, 1000, 20000))
                .cost("0.0123", "0.015").build();

        FoldedBatch folded = fold.fold(List.of(u), List.of());

        assertThat(folded.usageStats()).extracting(Map.Entry::getKey).containsExactly(
                key(Granularity.DAY, "2026-11-22T00:00", "key_a", Events.MODEL),
                key(Granularity.HOUR, "2026-11-22T10:00", "key_a", Events.MODEL),
                key(Granularity.MONTH, "2026-11-01T00:00", "key_a", Events.MODEL));
        assertThat(folded.costStats()).extracting(Map.Entry::getKey)
                .containsExactlyElementsOf(folded.usageStats().stream().map(Map.Entry::getKey).toList());
        assertThat(folded.accountStats()).isEmpty();
        assertThat(folded.keyStats()).extracting(Map.Entry::getKey).containsExactly(
                StatsKey.rollup(Granularity.DAY, LocalDateTime.parse("2026-11-22T00:00"), "key_a"),
                StatsKey.rollup(Granularity.HOUR, LocalDateTime.parse("2026-11-22T10:00"), "key_a"),
                StatsKey.rollup(Granularity.MONTH, LocalDateTime.parse("2026-11-01T00:00"), "key_a"));
        assertThat(folded.modelStats()).hasSize(3);
        assertThat(folded.rowCount()).isEqualTo(12);
        for (Map.Entry<StatsKey, Measures> row : folded.usageStats()) {
            Measures m = row.getValue();
            assertThat(m.requests()).isEqualTo(1);
            assertThat(m.inputTokens()).isEqualTo(1200);
            assertThat(m.outputTokens()).isEqualTo(350);
            assertThat(m.cacheCreateTokens()).isEqualTo(4000);
            assertThat(m.ephemeral5mTokens()).isEqualTo(3000);
            assertThat(m.ephemeral1hTokens()).isEqualTo(1000);
            assertThat(m.cacheReadTokens()).isEqualTo(20000);
        }
        for (Map.Entry<StatsKey, Measures> row : folded.costStats()) {
            assertThat(row.getValue().realCostUsd()).isEqualTo(Events.usd("0.0123"));
            assertThat(row.getValue().ratedCostUsd()).isEqualTo(Events.usd("0.015"));
        }
    }

    @Test
    void rollupsSumTheKeyAndModelRowsOverModelsAndOverKeysWithTheirUnpricedRequests() {
        List<UsageRecorded> usage = List.of(
                Events.usage("r1").key("key_a").model("m1").tokens(10, 1).cost("1", "2").build(),
                Events.usage("r2").key("key_a").model("m2").tokens(20, 2).cost("0", "0")
                        .source(dev.usageledger.projections.value.PricingSource.UNPRICED).build(),
                Events.usage("r3").key("key_b").model("m1").tokens(30, 3).cost("3", "4").account("acc_1").build());
        List<CostAdjusted> adjustments = List.of(Events.adjustment("a1").key("key_a").model("m1").build());

        FoldedBatch folded = fold.fold(usage, adjustments);

        for (Granularity g : Granularity.values()) {
            Map<String, Measures> byKey = bySubject(folded.keyStats(), g);
            Map<String, Measures> byModel = bySubject(folded.modelStats(), g);
            assertThat(byKey.keySet()).containsExactlyInAnyOrder("key_a", "key_b");
            assertThat(byModel.keySet()).containsExactlyInAnyOrder("m1", "m2");
            assertThat(byKey.get("key_a").requests()).isEqualTo(2);
            assertThat(byKey.get("key_a").unpricedRequests()).isEqualTo(1);
            assertThat(byKey.get("key_a").inputTokens()).isEqualTo(30);
            assertThat(byModel.get("m1").requests()).isEqualTo(2);
            assertThat(byModel.get("m1").unpricedRequests()).isZero();
            assertThat(byModel.get("m2").unpricedRequests()).isEqualTo(1);
            assertThat(byModel.get("m1").inputTokens()).isEqualTo(40);
            BigDecimal adjustment = adjustments.get(0).ratedUsd();
            assertThat(byKey.get("key_a").ratedCostUsd()).isEqualByComparingTo(new BigDecimal("2").add(adjustment));
            assertThat(byModel.get("m1").ratedCostUsd()).isEqualByComparingTo(new BigDecimal("6").add(adjustment));
            assertThat(rowsOf(folded.usageStats(), g).stream().mapToLong(Measures::unpricedRequests).sum())
                    .isEqualTo(1);
            assertThat(rowsOf(folded.accountStats(), g)).singleElement()
                    .satisfies(m -> assertThat(m.unpricedRequests()).isZero());
        }
    }

    private static Map<String, Measures> bySubject(List<Map.Entry<StatsKey, Measures>> rows, Granularity g) {
        Map<String, Measures> out = new java.util.HashMap<>();
        for (Map.Entry<StatsKey, Measures> row : rows) {
            if (row.getKey().granularity() == g) {
                assertThat(row.getKey().model()).isEqualTo(StatsKey.ROLLUP);
                assertThat(out.put(row.getKey().subjectId(), row.getValue())).isNull();
            }
        }
        return out;
    }

    private static List<Measures> rowsOf(List<Map.Entry<StatsKey, Measures>> rows, Granularity g) {
        return rows.stream().filter(r -> r.getKey().granularity() == g).map(Map.Entry::getValue).toList();
    }

    @Test
    void anEventNamingAnAccountAlsoCountsForTheAccount() {
        UsageRecorded u = Events.usage("req_1").account("acc_1").tokens(10, 5).cost("0.5", "0.6").build();

        Map<StatsKey, Measures> account = rows(fold.fold(List.of(u), List.of()).accountStats());

        assertThat(account).containsOnlyKeys(
                key(Granularity.HOUR, "2026-11-22T10:00", "acc_1", Events.MODEL),
                key(Granularity.DAY, "2026-11-22T00:00", "acc_1", Events.MODEL),
                key(Granularity.MONTH, "2026-11-01T00:00", "acc_1", Events.MODEL));
        assertThat(account.values()).allSatisfy(m -> {
            assertThat(m.requests()).isEqualTo(1);
            assertThat(m.inputTokens()).isEqualTo(10);
            assertThat(m.outputTokens()).isEqualTo(5);
            assertThat(m.realCostUsd()).isEqualTo(Events.usd("0.5"));
            assertThat(m.ratedCostUsd()).isEqualTo(Events.usd("0.6"));
        });
    }

    @Test
    void adjustmentsChangeCostRowsOnlyNeverUsage() {
        CostAdjusted withAccount = Events.adjustment("adj_1").account("acc_1").amounts("-1.25", "-1.5").build();
        CostAdjusted withoutAccount = Events.adjustment("adj_2").key("key_b").model("claude-opus-4-1-20250805")
                .amounts("2", "3").build();

        FoldedBatch folded = fold.fold(List.of(), List.of(withAccount, withoutAccount));

        assertThat(folded.usageStats()).isEmpty();
        Map<StatsKey, Measures> cost = rows(folded.costStats());
        assertThat(cost).hasSize(6);
        assertThat(cost.get(key(Granularity.DAY, "2026-11-22T00:00", "key_a", "*")).realCostUsd())
                .isEqualTo(Events.usd("-1.25"));
        assertThat(cost.get(key(Granularity.MONTH, "2026-11-01T00:00", "key_b", "claude-opus-4-1-20250805"))
                .ratedCostUsd()).isEqualTo(Events.usd("3"));
        Map<StatsKey, Measures> account = rows(folded.accountStats());
        assertThat(account).hasSize(3);
        assertThat(account.keySet()).extracting(StatsKey::subjectId).containsOnly("acc_1");
        assertThat(account.values()).allSatisfy(m -> {
            assertThat(m.requests()).isZero();
            assertThat(m.inputTokens()).isZero();
            assertThat(m.realCostUsd()).isEqualTo(Events.usd("-1.25"));
            assertThat(m.ratedCostUsd()).isEqualTo(Events.usd("-1.5"));
        });
    }

    @Test
    void withoutAccountsThereAreNoAccountRows() {
        FoldedBatch folded = fold.fold(
                List.of(Events.usage("req_1").build(), Events.usage("req_2").key("key_b").build()),
                List.of(Events.adjustment("adj_1").build()));

        assertThat(folded.accountStats()).isEmpty();
        assertThat(folded.usageStats()).hasSize(6);
        assertThat(folded.costStats()).hasSize(9);
    }

    @Test
    void anEmptyBatchGivesNoRows() {
        assertThat(fold.fold(List.of(), List.of()).rowCount()).isZero();
    }

    @Test
    void eventsOfOneBucketAddUpInOneRow() {
        List<UsageRecorded> usage = List.of(
                Events.usage("req_1").at("2026-11-22T10:00:00Z").tokens(1, 2).build(),
                Events.usage("req_2").at("2026-11-22T10:59:59.999Z").tokens(10, 20).build(),
                Events.usage("req_3").at("2026-11-22T11:00:00Z").tokens(100, 200).build(),
                Events.usage("req_4").at("2026-11-23T11:00:00Z").tokens(1000, 2000).build());

        Map<StatsKey, Measures> stats = rows(fold.fold(usage, List.of()).usageStats());

        assertThat(stats).hasSize(3 + 2 + 1);
        assertThat(stats.get(key(Granularity.HOUR, "2026-11-22T10:00", "key_a", Events.MODEL)).inputTokens())
                .isEqualTo(11);
        assertThat(stats.get(key(Granularity.HOUR, "2026-11-22T11:00", "key_a", Events.MODEL)).requests())
                .isEqualTo(1);
        assertThat(stats.get(key(Granularity.DAY, "2026-11-22T00:00", "key_a", Events.MODEL)).outputTokens())
                .isEqualTo(222);
        Measures month = stats.get(key(Granularity.MONTH, "2026-11-01T00:00", "key_a", Events.MODEL));
        assertThat(month.requests()).isEqualTo(4);
        assertThat(month.inputTokens()).isEqualTo(1111);
    }

    @Test
    void daysAndMonthsFollowTheReportingZone() {
        BatchFold shanghai = new BatchFold(new Buckets(ZoneId.of("Asia/Shanghai")));
        UsageRecorded u = Events.usage("req_1").at("2026-11-22T17:00:00Z").build();

        assertThat(shanghai.fold(List.of(u), List.of()).usageStats()).extracting(Map.Entry::getKey).containsExactly(
                key(Granularity.DAY, "2026-11-22T16:00", "key_a", Events.MODEL),
                key(Granularity.HOUR, "2026-11-22T17:00", "key_a", Events.MODEL),
                key(Granularity.MONTH, "2026-10-31T16:00", "key_a", Events.MODEL));
    }

    @Test
    void rowsComeInPrimaryKeyOrder() {
        List<UsageRecorded> usage = new ArrayList<>();
        List<CostAdjusted> adjustments = new ArrayList<>();
        String[] keys = {"key_b", "Key_a", "key_a", "key-a", "key_a1", "KEY"};
        String[] models = {"gpt-5", "claude-sonnet-4-5-20250929", "Claude", "claude-opus-4-1-20250805"};
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            Instant at = Instant.parse("2026-10-01T00:00:00Z").plusSeconds(random.nextInt(60 * 86_400));
            usage.add(Events.usage("req_" + i).at(at).key(keys[random.nextInt(keys.length)])
                    .account(random.nextBoolean() ? "acc_" + random.nextInt(3) : null)
                    .model(models[random.nextInt(models.length)]).build());
            if (i % 10 == 0) {
                adjustments.add(Events.adjustment("adj_" + i).at(at).key(keys[random.nextInt(keys.length)])
                        .account("acc_" + random.nextInt(4)).build());
            }
        }

        FoldedBatch folded = fold.fold(usage, adjustments);

        for (List<Map.Entry<StatsKey, Measures>> table
                : List.of(folded.usageStats(), folded.costStats(), folded.accountStats(), folded.keyStats(),
                        folded.modelStats())) {
            List<StatsKey> keysInOrder = table.stream().map(Map.Entry::getKey).toList();
            assertThat(keysInOrder).isSortedAccordingTo(StatsKey.ORDER).doesNotHaveDuplicates();
            // MySQL's order: granularity as stored ('day' < 'hour' < 'month'), then ids bytewise
            assertThat(keysInOrder.get(0).granularity()).isEqualTo(Granularity.DAY);
            assertThat(keysInOrder.get(keysInOrder.size() - 1).granularity()).isEqualTo(Granularity.MONTH);
            assertThat(keysInOrder).isSortedAccordingTo((a, b) -> {
                int c = a.granularity().sqlName().compareTo(b.granularity().sqlName());
                if (c == 0) {
                    c = a.bucketStart().compareTo(b.bucketStart());
                }
                if (c == 0) {
                    c = java.util.Arrays.compare(a.subjectId().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                            b.subjectId().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                return c != 0 ? c : java.util.Arrays.compare(
                        a.model().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        b.model().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            });
        }
    }

    @Test
    void theSameEventsInAnotherOrderGiveTheSameRows() {
        List<UsageRecorded> usage = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            usage.add(Events.usage("req_" + i).key("key_" + i % 3).at(Events.T0.plusSeconds(i * 1800L))
                    .cost("0.00" + i, "0.01").build());
        }
        List<UsageRecorded> shuffled = new ArrayList<>(usage);
        Collections.shuffle(shuffled, new Random(3));

        FoldedBatch a = fold.fold(usage, List.of());
        FoldedBatch b = fold.fold(shuffled, List.of());

        assertThat(b.usageStats()).extracting(Map.Entry::getKey)
                .containsExactlyElementsOf(a.usageStats().stream().map(Map.Entry::getKey).toList());
        assertThat(b.costStats()).extracting(e -> e.getValue().realCostUsd())
                .containsExactlyElementsOf(a.costStats().stream().map(e -> e.getValue().realCostUsd()).toList());
    }

    @Test
    void sumsAreExact() {
        List<UsageRecorded> usage = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            usage.add(Events.usage("req_" + i).account("acc_1").cost("0.1", "0.3333333333").build());
        }
        List<CostAdjusted> adjustments = List.of(
                Events.adjustment("adj_1").model(Events.MODEL).account("acc_1").amounts("-0.0000000001", "0.0000000001")
                        .build());

        FoldedBatch folded = fold.fold(usage, adjustments);

        assertThat(folded.costStats()).hasSize(3).allSatisfy(row -> {
            assertThat(row.getValue().realCostUsd()).isEqualTo(new BigDecimal("0.9999999999"));
            assertThat(row.getValue().ratedCostUsd()).isEqualTo(new BigDecimal("3.3333333331"));
        });
        assertThat(folded.accountStats()).hasSize(3).allSatisfy(row -> {
            assertThat(row.getValue().requests()).isEqualTo(10);
            assertThat(row.getValue().realCostUsd()).isEqualTo(new BigDecimal("0.9999999999"));
        });
        assertThat(Stream.of(folded.usageStats()).flatMap(List::stream))
                .allSatisfy(row -> assertThat(row.getValue().requests()).isEqualTo(10));
    }

    @Test
    void largeTokenSumsDoNotOverflow() {
        List<UsageRecorded> usage = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            usage.add(Events.usage("req_" + i)
                    .tokens(new TokenUsage(1_000_000_000, 1_000_000_000, 0, 0, 0, 1_000_000_000)).build());
        }

        assertThat(fold.fold(usage, List.of()).usageStats())
                .allSatisfy(row -> assertThat(row.getValue().inputTokens()).isEqualTo(20_000_000_000L));
    }
}
