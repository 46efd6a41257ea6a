package dev.usageledger.bench;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.Buckets;
import dev.usageledger.projections.mysql.LoadDataDirectory;
import dev.usageledger.projections.mysql.LoadDataSink;
import dev.usageledger.projections.mysql.ProjectionSql;
import dev.usageledger.projections.mysql.ProjectionSink;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.stack.Progress;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The data set of the {@code reads} scenario, bulk-loaded: {@code rows} ledger rows spread evenly over {@code days}
 * UTC days ending at {@code end}, in time order, with their stats rows folded by the projection's own
 * {@link BatchFold} and written by its own {@link LoadDataSink} ({@code LOAD DATA} into the ledger, staged upserts into
 * the stats), and the id claims: the same rows usage-consumer would have stored, without Kafka or its offsets, so
 * {@code ledger verify} finds the set consistent. One cost adjustment per 1,000 requests. Keys are skewed (key {@code i} of {@code n} drawn with probability
 * falling like {@code 1/sqrt(i)}: a few keys carry most traffic, as on a real relay); models and accounts are uniform;
 * the last model is one the catalog does not price (cost 0, pricing source {@code unpriced}).
 */
final class ReadsLedger {

    /** Events per transaction: a day of a 10M-row, 90-day set is ~111,000. */
    private static final int PER_TRANSACTION = 50_000;

    final long rows;
    final int days;
    final int keys;
    final int models;
    final int accounts;
    final Instant end;

    ReadsLedger(long rows, int days, int keys, int models, int accounts, Instant end) {
        this.rows = rows;
        this.days = days;
        this.keys = keys;
        this.models = models;
        this.accounts = accounts;
        this.end = end;
    }

    Instant start() {
        return end.minus(Duration.ofDays(days));
    }

    /** The {@code i}-th key, {@code key_00000} the busiest. */
    static String key(int i) {
        return String.format(Locale.ROOT, "key_%05d", i);
    }

    /** Loads the set into {@code database} (migrated, empty); returns how long it took. */
    Duration load(Databases dbs, String database, long seed) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("bench-reads-");
        LoadDataDirectory directory = LoadDataDirectory.in(dir);
        BatchFold fold = new BatchFold(new Buckets(ZoneOffset.UTC));
        SplittableRandom random = new SplittableRandom(seed);
        long spacingNanos = Duration.ofDays(days).toNanos() / rows;
        try (Connection c = dbs.connectLoadingFrom(database, directory.directory());
                Progress progress = Progress.onStderr("reads: loading the ledger and its stats", rows)) {
            ProjectionSink sink = new LoadDataSink(directory).on(c);
            c.setAutoCommit(false);
            long next = 0;
            while (next < rows) {
                int n = (int) Math.min(PER_TRANSACTION, rows - next);
                List<UsageRecorded> usage = new ArrayList<>(n);
                List<CostAdjusted> adjustments = new ArrayList<>();
                for (int i = 0; i < n; i++, next++) {
                    Instant at = start().plusNanos(next * spacingNanos).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
                    usage.add(request(next, at, random));
                    if (next % 1000 == 999) {
                        adjustments.add(Events.adjustment("adj_" + next).at(at).key(key(skewedKey(random)))
                                .account(account(random)).amounts("-0.0125", "-0.015").build());
                    }
                }
                for (int from = 0; from < usage.size(); from += RawWriter.BATCH) {
                    sink.usageRecords(c, usage.subList(from, Math.min(usage.size(), from + RawWriter.BATCH)));
                }
                sink.adjustments(c, adjustments);
                sink.stats(c, fold.fold(usage, adjustments));
                c.commit();
                progress.advance(n);
            }
            claim(c);
            markProjected(c);
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE TABLE usage_records, cost_adjustments");
                for (ProjectionSql.StatsTable table : ProjectionSql.StatsTable.values()) {
                    s.execute("ANALYZE TABLE " + table.table());
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private UsageRecorded request(long n, Instant at, SplittableRandom random) {
        int model = random.nextInt(models);
        boolean unpriced = model == models - 1;
        long input = random.nextInt(20_000);
        long output = random.nextInt(2_000);
        long cacheCreate = random.nextInt(4) == 0 ? random.nextInt(5_000) : 0;
        long cacheRead = random.nextInt(3) == 0 ? random.nextInt(50_000) : 0;
        // money with all 10 fraction digits: every sum the reads answer is exact only if they add exactly
        BigDecimal real = unpriced ? BigDecimal.ZERO : BigDecimal.valueOf(random.nextLong(1_000_000_000L), 10);
        return Events.usage("req_" + n).at(at).key(key(skewedKey(random))).account(account(random))
                .model(String.format(Locale.ROOT, "model-%02d", model))
                .tokens(new TokenUsage(input, output, cacheCreate, cacheCreate, 0, cacheRead))
                .cost(real.toPlainString(),
                        real.multiply(BigDecimal.valueOf(12, 1)).setScale(10, RoundingMode.HALF_EVEN).toPlainString())
                .source(unpriced ? PricingSource.UNPRICED : PricingSource.RELAY).build();
    }

    private int skewedKey(SplittableRandom random) {
        double u = random.nextDouble();
        return (int) (keys * u * u);
    }

    private String account(SplittableRandom random) {
        int a = random.nextInt(accounts + accounts / 4 + 1);
        return a >= accounts ? null : String.format(Locale.ROOT, "acc_%02d", a);
    }

    /** Every request's and adjustment's id claimed, as the consumer claims them; a day per transaction. */
    private void claim(Connection c) throws SQLException {
        try (PreparedStatement usage = c.prepareStatement("INSERT INTO ledger_event_ids (event_kind, event_id, "
                + "occurred_at, batch_token) SELECT 'U', request_id, occurred_at, 0 FROM usage_records "
                + "WHERE occurred_at >= ? AND occurred_at < ?");
                PreparedStatement adjustments = c.prepareStatement("INSERT INTO ledger_event_ids (event_kind, "
                        + "event_id, occurred_at, batch_token) SELECT 'A', adjustment_id, occurred_at, 0 "
                        + "FROM cost_adjustments WHERE occurred_at >= ? AND occurred_at < ?");
                Progress progress = Progress.onStderr("reads: claiming the ids, days", days)) {
            for (Instant day = start(); day.isBefore(end); day = day.plus(Duration.ofDays(1))) {
                for (PreparedStatement ps : List.of(usage, adjustments)) {
                    ps.setObject(1, LocalDateTime.ofInstant(day, ZoneOffset.UTC));
                    ps.setObject(2, LocalDateTime.ofInstant(day.plus(Duration.ofDays(1)), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                c.commit();
                progress.advance(1);
            }
        }
    }

    /** One stored offset, so stats-api's {@code projectedAt} is the end of the load. */
    private void markProjected(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_offsets (consumer_group, topic,"
                + " partition_id, next_offset, epoch, updated_at) VALUES ('bench-reads', 'usage-events', 0, ?, 1, ?)")) {
            ps.setLong(1, rows);
            ps.setObject(2, LocalDateTime.ofInstant(end, ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }
}
