package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.PricingSource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger reprice} against a live usage-consumer: requests counted at one catalog's prices, repriced with a
 * catalog that doubles one model's prices. Once the consumer projected the adjustments, {@code cost_stats} equals a
 * fresh pricing of the ledger, computed here from the test's own prices; a second run publishes nothing; a dry run
 * publishes nothing and prints the totals. A model the catalog lacks is listed and keeps its cost, and so does a
 * request the relay priced, and an admin's adjustment naming a request is left alone.
 */
class RepriceCommandIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // Dollars per token. model-b's prices stay; model-a's double in the new catalog.
    private static final BigDecimal A_IN = new BigDecimal("0.000003");
    private static final BigDecimal A_OUT = new BigDecimal("0.000015");
    private static final BigDecimal B_IN = new BigDecimal("0.0000008");
    private static final BigDecimal B_OUT = new BigDecimal("0.000004");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static LiveConsumer consumer;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        consumer = new LiveConsumer("cli-reprice", "UTC");
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void repricingMakesCostStatsEqualAFreshPricingOnceAndOnlyOnce() throws Exception {
        Path catalog = dir.resolve("doubled.json");
        Files.writeString(catalog, "{\"model-a\": {\"input_cost_per_token\": " + A_IN.multiply(TWO).toPlainString()
                + ", \"output_cost_per_token\": " + A_OUT.multiply(TWO).toPlainString() + ", \"mode\": \"chat\"},"
                + " \"model-b\": {\"input_cost_per_token\": " + B_IN.toPlainString()
                + ", \"output_cost_per_token\": " + B_OUT.toPlainString() + ", \"mode\": \"chat\"}}",
                StandardCharsets.UTF_8);
        List<LedgerEvent> events = new ArrayList<>();
        Map<String, BigDecimal[]> expected = new TreeMap<>();
        int adjusted = 0;
        BigDecimal realDifference = BigDecimal.ZERO;
        for (int i = 0; i < 24; i++) {
            String model = i % 3 == 0 ? "model-b" : "model-a";
            String key = "key_p" + i % 4;
            long in = 1_000 + 37L * i;
            long out = 100 + 11L * i;
            BigDecimal stored = model.equals("model-a") ? price(in, A_IN, out, A_OUT) : price(in, B_IN, out, B_OUT);
            // Some were rated below list price at ingest; a fresh pricing without service rates rates at list.
            BigDecimal storedRated = i % 4 == 1 ? stored.multiply(new BigDecimal("0.8")) : stored;
            events.add(Events.usage("rc_" + i).at(NOW.minusSeconds(60L * i)).key(key).model(model).tokens(in, out)
                    .cost(stored.toPlainString(), storedRated.toPlainString()).source(PricingSource.CATALOG).build());
            BigDecimal fresh = model.equals("model-a") ? price(in, A_IN.multiply(TWO), out, A_OUT.multiply(TWO))
                    : price(in, B_IN, out, B_OUT);
            add(expected, key, model, fresh, fresh);
            if (fresh.compareTo(stored) != 0 || fresh.compareTo(storedRated) != 0) {
                adjusted++;
                realDifference = realDifference.add(fresh.subtract(stored));
            }
        }
        events.add(Events.usage("rc_unknown").at(NOW.minusSeconds(30)).key("key_p0").model("model-z").tokens(5, 5)
                .cost("0", "0").source(PricingSource.UNPRICED).build());
        add(expected, "key_p0", "model-z", BigDecimal.ZERO, BigDecimal.ZERO);
        events.add(Events.usage("rc_relay").at(NOW.minusSeconds(20)).key("key_p1").model("model-a")
                .tokens(1_000_000, 0).cost("0.5", "0.7").source(PricingSource.RELAY).build());
        add(expected, "key_p1", "model-a", new BigDecimal("0.5"), new BigDecimal("0.7"));
        events.add(Events.adjustment("admin_credit").at(NOW.minusSeconds(60)).key("key_p1").model("model-a")
                .amounts("-0.25", "-0.3").correcting("rc_1").build());
        add(expected, "key_p1", "model-a", new BigDecimal("-0.25"), new BigDecimal("-0.3"));
        consumer.publish(events);
        consumer.awaitProjected();
        BigDecimal ledgerBefore = decimal("SELECT SUM(real_cost_usd) FROM usage_records");

        Cli dryRun = reprice(catalog, "--dry-run");
        assertThat(dryRun.code()).as(dryRun.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(dryRun.out()).contains("api_key_id\tmodel\trequests\treal_usd_difference\trated_usd_difference")
                .contains("total\t*\t" + adjusted + "\t" + realDifference.stripTrailingZeros().toPlainString() + "\t")
                .contains("unpriced\trc_unknown\t");
        assertThat(dryRun.err()).contains(adjusted + " adjustments would be published, 1 unpriced requests listed, "
                + "1 relay-priced requests kept");
        consumer.awaitProjected();
        assertThat(count("SELECT COUNT(*) FROM cost_adjustments")).as("a dry run publishes nothing").isOne();

        Cli run = reprice(catalog);
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).contains(adjusted + " adjustments published");
        consumer.awaitProjected();
        assertThat(count("SELECT COUNT(*) FROM cost_adjustments WHERE adjustment_id LIKE 'reprice:%' "
                + "AND request_id IS NOT NULL")).isEqualTo(adjusted);
        assertThat(costStats()).isEqualTo(plain(expected));
        assertThat(decimal("SELECT SUM(real_cost_usd) FROM usage_records")).as("history is never updated")
                .isEqualByComparingTo(ledgerBefore);
        consumer.assertInvariantsHold();

        Cli again = reprice(catalog);
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.OK);
        assertThat(again.err()).contains(" 0 adjustments published");
        assertThat(again.out()).contains("total\t*\t0\t0\t0");
        consumer.awaitProjected();
        assertThat(count("SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(adjusted + 1);
        assertThat(costStats()).isEqualTo(plain(expected));
    }

    @Test
    void aCatalogThatDoesNotLoadIsAUsageError() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[]", StandardCharsets.UTF_8);
        Cli run = reprice(bad, "--dry-run");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--catalog:");
    }

    private static Cli reprice(Path catalog, String... more) {
        List<String> args = new ArrayList<>(List.of("reprice", "--from", NOW.minus(1, ChronoUnit.DAYS).toString(),
                "--to", NOW.plus(1, ChronoUnit.HOURS).toString(), "--catalog", catalog.toString()));
        args.addAll(consumer.databaseOptions());
        args.addAll(consumer.kafkaOptions());
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /** The test's own pricing: the exact sum rounded once to 10 fraction digits, HALF_EVEN (CONTRACT §3). */
    private static BigDecimal price(long in, BigDecimal inPrice, long out, BigDecimal outPrice) {
        return inPrice.multiply(BigDecimal.valueOf(in)).add(outPrice.multiply(BigDecimal.valueOf(out)))
                .setScale(10, RoundingMode.HALF_EVEN);
    }

    private static void add(Map<String, BigDecimal[]> sums, String key, String model, BigDecimal real,
            BigDecimal rated) {
        sums.merge(key + "\t" + model, new BigDecimal[] {real, rated},
                (a, b) -> new BigDecimal[] {a[0].add(b[0]), a[1].add(b[1])});
    }

    private static Map<String, String> plain(Map<String, BigDecimal[]> sums) {
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, text(v[0]) + "\t" + text(v[1])));
        return out;
    }

    private static String text(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /** cost_stats summed per key and model over the day buckets. */
    private static Map<String, String> costStats() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = consumer.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT api_key_id, model, SUM(real_cost_usd), SUM(rated_cost_usd) "
                        + "FROM cost_stats WHERE granularity = 'day' GROUP BY api_key_id, model")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "\t" + rs.getString(2), text(rs.getBigDecimal(3)) + "\t"
                        + text(rs.getBigDecimal(4)));
            }
        }
        return out;
    }

    private static long count(String sql) throws Exception {
        try (Connection c = consumer.connect()) {
            return LiveConsumer.single(c, sql);
        }
    }

    private static BigDecimal decimal(String sql) throws Exception {
        try (Connection c = consumer.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }
}
