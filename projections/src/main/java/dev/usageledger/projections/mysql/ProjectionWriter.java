package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.BatchFold;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import dev.usageledger.projections.retry.TransactionRetry;
import dev.usageledger.projections.value.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Projects a batch of events into MySQL in one transaction, exactly once ({@link #write}); or several
 * consumer polls in one transaction ({@link #open}), steps 1–3 per poll and step 4 once at commit.
 *
 * <p>In order, within the transaction:
 * <ol>
 *   <li>advance the stored offset of every partition of the batch, only while this consumer's epoch
 *       is current (otherwise {@link FencedException}, nothing committed); this also serialises
 *       writers of the same partition;
 *   <li>claim the batch's event ids in {@code ledger_event_ids} with {@code INSERT IGNORE} and a
 *       per-attempt token, then read back which ids carry the token: only those are new. The
 *       database decides, inside the transaction, even against a concurrent consumer of another
 *       partition carrying the same id;
 *   <li>insert the new events into the ledger ({@code usage_records}, one row per request with its cost
 *       breakdown, and {@code cost_adjustments});
 *   <li>fold the new events in memory and upsert the stats rows in primary-key order.
 * </ol>
 * With a {@link LocalInfile} (and a server that allows it), steps 2 and 3 for usage events load the same claims
 * and ledger rows with {@code LOAD DATA LOCAL INFILE}, and when the claim's row count says every id was new the
 * read-back is skipped; step 4 loads the stats rows into a staging table and upserts them from there, in the
 * same table and primary-key order. The whole transaction is retried on deadlock, lock wait timeout and lost
 * connection.
 * The first version of a request to be projected wins. Within a batch that is the one relay-api
 * accepted first ({@code receivedAt}, then offset order); across batches it is commit order, which
 * for resends on the same key (same partition) is acceptance order. A resend under another
 * {@code apiKeyId} travels on another partition and can only win if it is projected before the
 * original, i.e. if it was sent while the original was still in flight.
 */
public final class ProjectionWriter {

    private static final int JDBC_BATCH = 2000;
    private static final int ID_QUERY_CHUNK = 1000;
    private static final String USAGE_KIND = "U";
    private static final String ADJUSTMENT_KIND = "A";

    private final DataSource dataSource;
    private final BatchFold fold;
    private final TransactionRetry retry;
    private final Clock clock;
    private final LongSupplier tokens;
    private final LocalInfile localInfile;
    private final Counter newUsage;
    private final Counter duplicateUsage;
    private final Counter newAdjustments;
    private final Counter duplicateAdjustments;

    /**
     * @param tokens source of per-attempt batch tokens; must not repeat within the lifetime of a
     *               consumer's in-flight transactions (a random 64-bit value does)
     */
    public ProjectionWriter(DataSource dataSource, BatchFold fold, TransactionRetry retry, Clock clock,
            LongSupplier tokens, MeterRegistry registry) {
        this(dataSource, fold, retry, clock, tokens, registry, null);
    }

    /**
     * @param localInfile when not null, ledger rows, id claims and stats rows are loaded with {@code LOAD DATA LOCAL
     *                    INFILE} from its directory whenever the server allows it ({@link LocalInfile}); the same
     *                    rows, claims, sums and checks as with {@code INSERT}
     */
    public ProjectionWriter(DataSource dataSource, BatchFold fold, TransactionRetry retry, Clock clock,
            LongSupplier tokens, MeterRegistry registry, LocalInfile localInfile) {
        this.localInfile = localInfile;
        this.dataSource = dataSource;
        this.fold = fold;
        this.retry = retry;
        this.clock = clock;
        this.tokens = tokens;
        this.newUsage = projected(registry, "usage.recorded", "new");
        this.duplicateUsage = projected(registry, "usage.recorded", "duplicate");
        this.newAdjustments = projected(registry, "cost.adjusted", "new");
        this.duplicateAdjustments = projected(registry, "cost.adjusted", "duplicate");
    }

    private static Counter projected(MeterRegistry registry, String type, String outcome) {
        return Counter.builder("ledger.events.projected")
                .description("Events committed to MySQL; duplicates are resends of ids counted before")
                .tag("type", type)
                .tag("outcome", outcome)
                .register(registry);
    }

    public WriteResult write(ProjectionBatch batch) {
        Poll poll = Poll.of(batch);
        Counts counts = retry.call(() -> JdbcTransaction.run(dataSource,
                "projecting a batch of " + batch.events().size() + " events", c -> {
                    BatchFold.Accumulator folded = fold.accumulator();
                    Counts applied = apply(c, poll, folded);
                    return applied.plusStatsRows(upsertStats(c, folded.result()));
                }));
        return count(counts);
    }

    /**
     * Opens a transaction that several polls are {@linkplain ProjectionTransaction#add added} to before it
     * commits once: each poll's ledger rows and id claims are written at once, its stats folded into the
     * transaction's, and the stats upserted at commit. Unlike {@link #write}, a failed transaction is not retried
     * here: the caller re-reads every poll of it from the stored offsets.
     */
    public ProjectionTransaction open() {
        return new ProjectionTransaction(this, JdbcTransaction.begin(dataSource), fold.accumulator());
    }

    WriteResult count(Counts counts) {
        WriteResult result = new WriteResult(counts.newUsage(), counts.usageEvents() - counts.newUsage(),
                counts.newAdjustments(), counts.adjustmentEvents() - counts.newAdjustments(), counts.statsRows());
        newUsage.increment(result.newUsage());
        duplicateUsage.increment(result.duplicateUsage());
        newAdjustments.increment(result.newAdjustments());
        duplicateAdjustments.increment(result.duplicateAdjustments());
        return result;
    }

    /** Of two versions of one request in a batch, the one relay-api accepted first (then batch order). */
    private static UsageRecorded firstAccepted(UsageRecorded kept, UsageRecorded other) {
        if (kept.receivedAt() != null && other.receivedAt() != null && other.receivedAt().isBefore(kept.receivedAt())) {
            return other;
        }
        return kept;
    }

    /** What a transaction (or one poll of it) wrote; events counted as they came, duplicates included. */
    record Counts(int usageEvents, int newUsage, int adjustmentEvents, int newAdjustments, int statsRows) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(usageEvents + other.usageEvents, newUsage + other.newUsage,
                    adjustmentEvents + other.adjustmentEvents, newAdjustments + other.newAdjustments,
                    statsRows + other.statsRows);
        }

        Counts plusStatsRows(int rows) {
            return new Counts(usageEvents, newUsage, adjustmentEvents, newAdjustments, statsRows + rows);
        }
    }

    /** One poll's events, each id once: first occurrence wins within the poll too, in offset order. */
    record Poll(ProjectionBatch batch, Map<String, UsageRecorded> usage, Map<String, CostAdjusted> adjustments,
            int usageEvents) {

        static Poll of(ProjectionBatch batch) {
            Map<String, UsageRecorded> usage = new LinkedHashMap<>();
            Map<String, CostAdjusted> adjustments = new LinkedHashMap<>();
            int usageEvents = 0;
            for (LedgerEvent e : batch.events()) {
                if (e instanceof UsageRecorded u) {
                    usage.merge(u.requestId(), u, ProjectionWriter::firstAccepted);
                    usageEvents++;
                } else if (e instanceof CostAdjusted a) {
                    adjustments.putIfAbsent(a.adjustmentId(), a);
                }
            }
            return new Poll(batch, usage, adjustments, usageEvents);
        }
    }

    /**
     * Steps 1 to 3 of the class comment for one poll, and its new events folded into {@code folded}. Each call
     * claims with its own token, so an id claimed by an earlier poll of the same transaction reads as a duplicate.
     */
    Counts apply(Connection c, Poll poll, BatchFold.Accumulator folded) throws SQLException {
        advanceOffsets(c, poll.batch());
        long token = tokens.getAsLong();
        boolean load = localInfile != null && localInfile.usable(c);
        Set<String> newUsageIds = claim(c, USAGE_KIND, poll.usage(), token, load);
        Set<String> newAdjustmentIds = claim(c, ADJUSTMENT_KIND, poll.adjustments(), token, false);
        List<UsageRecorded> freshUsage = poll.usage().values().stream()
                .filter(u -> newUsageIds.contains(u.requestId())).toList();
        List<CostAdjusted> freshAdjustments = poll.adjustments().values().stream()
                .filter(a -> newAdjustmentIds.contains(a.adjustmentId())).toList();
        if (load && !freshUsage.isEmpty()) {
            localInfile.usageRecords(c, freshUsage);
        } else {
            insertUsageRecords(c, freshUsage);
        }
        insertAdjustments(c, freshAdjustments);
        folded.add(freshUsage, freshAdjustments);
        return new Counts(poll.usageEvents(), freshUsage.size(), poll.batch().events().size() - poll.usageEvents(),
                freshAdjustments.size(), 0);
    }

    private void advanceOffsets(Connection c, ProjectionBatch batch) throws SQLException {
        LocalDateTime now = utc(clock.instant());
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.ADVANCE_OFFSET)) {
            for (Map.Entry<Integer, Long> e : new TreeMap<>(batch.nextOffsets()).entrySet()) {
                Long epoch = batch.epochs().get(e.getKey());
                if (epoch == null) {
                    throw new FencedException(batch.topic(), e.getKey(), -1);
                }
                ps.setLong(1, e.getValue());
                ps.setObject(2, now);
                ps.setString(3, batch.consumerGroup());
                ps.setString(4, batch.topic());
                ps.setInt(5, e.getKey());
                ps.setLong(6, epoch);
                if (ps.executeUpdate() != 1) {
                    throw new FencedException(batch.topic(), e.getKey(), epoch);
                }
            }
        }
    }

    /**
     * Claims the ids with this attempt's token and returns those it got: the new ones. Loaded ({@code load}), the
     * claim's row count tells when every id was new, and the read-back is skipped.
     */
    private Set<String> claim(Connection c, String kind, Map<String, ? extends LedgerEvent> events, long token,
            boolean load) throws SQLException {
        if (events.isEmpty()) {
            return Set.of();
        }
        // Sorted, so concurrent consumers claiming overlapping ids lock them in the same order.
        List<LedgerEvent> sorted = new ArrayList<>(events.values());
        sorted.sort(Comparator.comparing(LedgerEvent::eventId));
        if (load) {
            // The ids are distinct (the poll's map keys): as many claimed as sent means each one was.
            if (localInfile.eventIds(c, kind, sorted, token) == sorted.size()) {
                return events.keySet();
            }
        } else {
            insertEventIds(c, kind, sorted, token);
        }
        return claimed(c, kind, sorted, token);
    }

    private static void insertEventIds(Connection c, String kind, List<LedgerEvent> sorted, long token)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_EVENT_IDS)) {
            int n = 0;
            for (LedgerEvent e : sorted) {
                ps.setString(1, kind);
                ps.setString(2, e.eventId());
                ps.setObject(3, utc(e.occurredAt()));
                ps.setLong(4, token);
                ps.addBatch();
                if (++n % JDBC_BATCH == 0) {
                    ps.executeBatch();
                }
            }
            if (n % JDBC_BATCH != 0) {
                ps.executeBatch();
            }
        }
    }

    /** The ids among {@code sorted} that carry this attempt's token. */
    private static Set<String> claimed(Connection c, String kind, List<LedgerEvent> sorted, long token)
            throws SQLException {
        Set<String> claimed = new HashSet<>();
        for (int from = 0; from < sorted.size(); from += ID_QUERY_CHUNK) {
            List<LedgerEvent> chunk = sorted.subList(from, Math.min(sorted.size(), from + ID_QUERY_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(ProjectionSql.selectClaimedEventIds(chunk.size()))) {
                ps.setString(1, kind);
                ps.setLong(2, token);
                int i = 3;
                for (LedgerEvent e : chunk) {
                    ps.setString(i++, e.eventId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(rs.getString(1));
                    }
                }
            }
        }
        return claimed;
    }

    private void insertUsageRecords(Connection c, List<UsageRecorded> fresh) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_USAGE_RECORD)) {
            int n = 0;
            for (UsageRecorded u : fresh) {
                LedgerRows.bindUsageRecord(ps, u);
                ps.addBatch();
                if (++n % JDBC_BATCH == 0) {
                    ps.executeBatch();
                }
            }
            if (n % JDBC_BATCH != 0) {
                ps.executeBatch();
            }
        }
    }

    private void insertAdjustments(Connection c, List<CostAdjusted> fresh) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ProjectionSql.INSERT_COST_ADJUSTMENT)) {
            for (CostAdjusted a : fresh) {
                ps.setString(1, a.adjustmentId());
                ps.setObject(2, utc(a.occurredAt()));
                ps.setString(3, a.apiKeyId());
                ps.setString(4, a.accountId());
                ps.setString(5, a.model());
                ps.setBigDecimal(6, a.realUsd());
                ps.setBigDecimal(7, a.ratedUsd());
                ps.setString(8, a.reason());
                ps.setString(9, a.requestedBy());
                ps.setObject(10, a.receivedAt() == null ? null : utc(a.receivedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Always in the same table order, each table's rows in primary-key order; returns the rows upserted. Loaded
     * through a staging table when the ledger is ({@link LocalInfile#stats}), else batched {@code INSERT}s.
     */
    int upsertStats(Connection c, FoldedBatch folded) throws SQLException {
        if (localInfile != null && localInfile.usable(c)) {
            return localInfile.stats(c, folded);
        }
        upsert(c, ProjectionSql.StatsTable.USAGE, folded.usageStats());
        upsert(c, ProjectionSql.StatsTable.COST, folded.costStats());
        upsert(c, ProjectionSql.StatsTable.ACCOUNT_USAGE, folded.accountStats());
        return folded.rowCount();
    }

    private static void upsert(Connection c, ProjectionSql.StatsTable table, List<Map.Entry<StatsKey, Measures>> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(table.upsert())) {
            int n = 0;
            for (Map.Entry<StatsKey, Measures> row : rows) {
                LedgerRows.bindStatsRow(ps, row.getKey(), row.getValue(), table.tokens, table.cost);
                ps.addBatch();
                if (++n % JDBC_BATCH == 0) {
                    ps.executeBatch();
                }
            }
            if (n % JDBC_BATCH != 0) {
                ps.executeBatch();
            }
        }
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
