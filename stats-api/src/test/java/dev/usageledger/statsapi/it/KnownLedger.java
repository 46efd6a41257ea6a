package dev.usageledger.statsapi.it;

import dev.usageledger.fixtures.TestDatabase;
import dev.usageledger.fixtures.TestStack;
import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import dev.usageledger.projections.event.UsageRecorded;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.Random;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database of the shared embedded stack ({@link TestStack}) migrated from {@code sql/}, holding a known, seeded data set projected by the
 * projection's own writer, so the stats rows are the real ones; and the ground truth of every sum, computed here from
 * the generated events.
 *
 * <p>The events are generated here rather than by {@code UsageTraffic}: they are built to break the read side, not to
 * look like traffic — a model name with a comma and quotes that no catalog prices (CSV quoting), costs unrelated to
 * tokens using all 10 fraction digits (exact sums), a fifth of the requests unpriced (cost 0), signed adjustments on
 * any model, and a day with no event at all.
 */
final class KnownLedger {

    static final ZoneId REPORTING_ZONE = ZoneOffset.UTC;
    static final Instant PROJECTED_AT = Instant.parse("2027-03-01T12:34:56.789Z");
    static final List<String> KEYS = List.of("key_a", "key_b", "key_c", "key_d");
    static final List<String> MODELS = List.of("claude-sonnet-4-5-20250929", "gpt-5, \"codex\"", "gemini-2.5-pro");
    static final List<String> ACCOUNTS = List.of("acc_1", "acc_2", "acc_3");
    /** No event falls into this day of Europe/Berlin (UTC 2026-03-26T23:00 to 2026-03-27T23:00). */
    static final Instant QUIET_FROM = Instant.parse("2026-03-26T23:00:00Z");
    static final Instant QUIET_TO = Instant.parse("2026-03-27T23:00:00Z");

    private static KnownLedger instance;

    final String jdbcUrl;
    final DataSource dataSource;
    final List<UsageRecorded> usage = new ArrayList<>();
    final List<CostAdjusted> adjustments = new ArrayList<>();
    private final Random random = new Random(20261122);
    private final LedgerSeed seed;

    private KnownLedger() {
        TestDatabase database = TestStack.migratedDatabase("stats_it");
        jdbcUrl = database.jdbcUrl();
        dataSource = database.dataSource();
        seed = new LedgerSeed(dataSource, REPORTING_ZONE, PROJECTED_AT);
        generate();
    }

    /**
     * Points an in-process stats-api at this data set, with the tokens of {@link StatsApiIT} (analyst, admin, and a
     * relay token that must never read) and this set's reporting zone.
     */
    static void register(DynamicPropertyRegistry registry) {
        KnownLedger ledger = get();
        registry.add("spring.datasource.url", () -> ledger.jdbcUrl);
        registry.add("ledger.security.analyst-tokens", () -> "bi:" + StatsApiIT.ANALYST);
        registry.add("ledger.security.admin-tokens", () -> "ops:" + StatsApiIT.ADMIN);
        registry.add("ledger.security.relay-tokens", () -> "relay-1:" + StatsApiIT.RELAY);
        registry.add("ledger.reporting.zone", () -> REPORTING_ZONE.getId());
    }

    static synchronized KnownLedger get() {
        if (instance == null) {
            instance = new KnownLedger();
        }
        return instance;
    }

    private void generate() {
        List<LedgerEvent> events = new ArrayList<>();
        // spread thinly over most of 2026 (both daylight-saving changes of Europe and North America), densely around
        // the European spring-forward weekend, and a separate month (2027-01) for the ledger walk
        events.addAll(usageEvents("spread", 3000, Instant.parse("2026-02-25T00:00:00Z"),
                Instant.parse("2026-11-20T00:00:00Z")));
        events.addAll(usageEvents("dense", 1500, Instant.parse("2026-03-28T00:00:00Z"),
                Instant.parse("2026-03-31T00:00:00Z")));
        events.addAll(usageEvents("walk", 1200, Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2027-02-01T00:00:00Z")));
        for (int i = 0; i < 60; i++) {
            CostAdjusted a = Events.adjustment("adj_" + i).at(randomInstant(Instant.parse("2026-02-25T00:00:00Z"),
                            Instant.parse("2026-11-20T00:00:00Z")))
                    .key(pick(KEYS)).account(random.nextInt(3) == 0 ? null : pick(ACCOUNTS))
                    .model(random.nextBoolean() ? CostAdjusted.ANY_MODEL : pick(MODELS))
                    .amounts(money(true), money(true)).build();
            adjustments.add(a);
            events.add(a);
        }
        for (int from = 0; from < events.size(); from += 500) {
            project(events.subList(from, Math.min(events.size(), from + 500)));
        }
    }

    /** {@code n} usage events of {@code [from, to)}, none in the quiet day; recorded here and returned. */
    List<UsageRecorded> usageEvents(String prefix, int n, Instant from, Instant to) {
        List<UsageRecorded> made = new ArrayList<>();
        while (made.size() < n) {
            Instant at = randomInstant(from, to);
            if (!at.isBefore(QUIET_FROM) && at.isBefore(QUIET_TO)) {
                continue;
            }
            long cacheCreate = random.nextInt(5000);
            long e5 = cacheCreate == 0 ? 0 : random.nextLong(cacheCreate + 1);
            long e1 = cacheCreate - e5 == 0 ? 0 : random.nextLong(cacheCreate - e5 + 1);
            Events.UsageBuilder u = Events.usage(prefix + "_" + made.size() + "_" + random.nextInt(1_000_000)).at(at)
                    .key(pick(KEYS)).account(random.nextInt(4) == 0 ? null : pick(ACCOUNTS)).model(pick(MODELS))
                    .tokens(new TokenUsage(random.nextInt(100_000), random.nextInt(8000), cacheCreate, e5, e1,
                            random.nextInt(200_000)))
                    .cost(money(false), money(false));
            if (random.nextInt(5) == 0) {
                u.cost("0", "0").source(PricingSource.UNPRICED);
            }
            made.add(u.build());
        }
        synchronized (this) {
            usage.addAll(made);
        }
        return made;
    }

    /**
     * Projects events with the projection's writer, as usage-consumer does: one transaction that writes the ledger
     * rows, the stats rows and the stored offset (the one place this test uses the writer).
     */
    void project(List<? extends LedgerEvent> events) {
        seed.project(events);
    }

    private Instant randomInstant(Instant from, Instant to) {
        return from.plusMillis(random.nextLong(to.toEpochMilli() - from.toEpochMilli()));
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Up to 10 fraction digits; signed for adjustments. */
    private String money(boolean signed) {
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(50_000_000_000L), 10);
        return (signed && random.nextBoolean() ? amount.negate() : amount).toPlainString();
    }

    // ---- ground truth ---------------------------------------------------------------------------

    /** The measures of CONTRACT §5 summed from the events; names as in the API. */
    record Truth(long requests, long inputTokens, long outputTokens, long cacheCreateTokens, long cacheReadTokens,
            long ephemeral5mTokens, long ephemeral1hTokens, BigDecimal realCostUsd, BigDecimal ratedCostUsd,
            long unpricedRequests) {

        boolean isZero() {
            return requests == 0 && realCostUsd.signum() == 0 && ratedCostUsd.signum() == 0;
        }

        long tokens() {
            return inputTokens + outputTokens + cacheCreateTokens + cacheReadTokens;
        }
    }

    /** What the ledger says about one group: events of {@code [from, to)} whose group value passes {@code group}. */
    synchronized Truth truth(Instant from, Instant to, Predicate<Subject> subject) {
        long requests = 0;
        long unpriced = 0;
        long[] tokens = new long[6];
        BigDecimal real = BigDecimal.ZERO;
        BigDecimal rated = BigDecimal.ZERO;
        for (UsageRecorded u : usage) {
            if (in(u.occurredAt(), from, to) && subject.test(new Subject(u.apiKeyId(), u.model(), u.accountId()))) {
                requests++;
                if (u.cost().source() == PricingSource.UNPRICED) {
                    unpriced++;
                }
                TokenUsage t = u.usage();
                tokens[0] += t.input();
                tokens[1] += t.output();
                tokens[2] += t.cacheCreate();
                tokens[3] += t.cacheRead();
                tokens[4] += t.ephemeral5m();
                tokens[5] += t.ephemeral1h();
                real = real.add(u.cost().realUsd());
                rated = rated.add(u.cost().ratedUsd());
            }
        }
        for (CostAdjusted a : adjustments) {
            if (in(a.occurredAt(), from, to) && subject.test(new Subject(a.apiKeyId(), a.model(), a.accountId()))) {
                real = real.add(a.realUsd());
                rated = rated.add(a.ratedUsd());
            }
        }
        return new Truth(requests, tokens[0], tokens[1], tokens[2], tokens[3], tokens[4], tokens[5], real, rated,
                unpriced);
    }

    /**
     * The groups a series of {@code [from, to)} shows: every value of {@code groupOf} among the events that pass
     * {@code subject}, in ascending order, without those whose every sum is zero.
     */
    synchronized List<String> groups(Instant from, Instant to, Predicate<Subject> subject,
            Function<Subject, String> groupOf) {
        Set<String> groups = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        for (UsageRecorded u : usage) {
            Subject s = new Subject(u.apiKeyId(), u.model(), u.accountId());
            if (in(u.occurredAt(), from, to) && subject.test(s)) {
                groups.add(groupOf.apply(s));
            }
        }
        for (CostAdjusted a : adjustments) {
            Subject s = new Subject(a.apiKeyId(), a.model(), a.accountId());
            if (in(a.occurredAt(), from, to) && subject.test(s)) {
                groups.add(groupOf.apply(s));
            }
        }
        return groups.stream().filter(g -> !truth(from, to, subject.and(s -> Objects.equals(g, groupOf.apply(s))))
                .isZero()).toList();
    }

    /** Who an event is about. */
    record Subject(String apiKeyId, String model, String accountId) {}

    private static boolean in(Instant at, Instant from, Instant to) {
        return !at.isBefore(from) && at.isBefore(to);
    }
}
