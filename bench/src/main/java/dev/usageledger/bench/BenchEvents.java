package dev.usageledger.bench;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.pricing.PricingCatalog;
import dev.usageledger.projections.pricing.ServiceRates;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.ModelNames;
import dev.usageledger.projections.value.TokenUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic stream of priced {@link UsageRecorded} events: the same settings and seed give the
 * same events, so every writer of a run gets exactly the same input without holding it in memory.
 *
 * <p>Realistic defaults (the mix the machine limits were measured with): API keys with a skewed
 * popularity (a few keys carry most traffic), six Claude / OpenAI / Gemini models, seven upstream
 * accounts, Claude requests mostly with prompt-cache reads and some cache writes (split into
 * 5-minute and 1-hour writes or not split), 1% long-context requests, 5% without an account.
 * Costs come from the bundled catalog through {@link Pricer}, exactly as relay-api prices them.
 */
public final class BenchEvents {

    private record Model(String name, String provider, int weight) {}

    private static final List<Model> MODELS = List.of(
            new Model("claude-sonnet-4-5-20250929", "claude", 40),
            new Model("claude-haiku-4-5-20251001", "claude", 20),
            new Model("claude-opus-4-1-20250805", "claude", 10),
            new Model("gpt-5", "openai", 15),
            new Model("gemini-2.5-pro", "gemini", 8),
            new Model("gemini-2.5-flash", "gemini", 7));

    /** Upstream accounts per provider (7 in all by default): account type and id prefix. */
    private static final String[][] ACCOUNT_TYPES = {
            {"claude", "claude-official"}, {"openai", "openai"}, {"gemini", "gemini"}};

    private final Profile profile;
    private final long count;
    private final int keys;
    private final List<Model> models;
    private final int accountsPerProvider;
    private final int cacheReadPercent;
    private final long seed;
    private final Instant now;
    private final Pricer pricer = new Pricer(PricingCatalog.bundled(), ServiceRates.NONE, null);

    /**
     * @param count events in the whole stream (timestamps of {@link Profile#LIVE} spread over it)
     * @param keys distinct API keys
     * @param models how many of the six models to use (1–6)
     * @param accountsPerProvider upstream accounts per provider
     * @param cacheReadPercent share of Claude requests that read the prompt cache
     * @param now the end of the time span; fixed once per run so every writer gets the same events
     */
    public BenchEvents(Profile profile, long count, int keys, int models, int accountsPerProvider,
            int cacheReadPercent, long seed, Instant now) {
        if (keys < 1 || models < 1 || models > MODELS.size() || accountsPerProvider < 1) {
            throw new IllegalArgumentException("keys >= 1, 1 <= models <= " + MODELS.size() + ", accounts >= 1");
        }
        this.profile = profile;
        this.count = count;
        this.keys = keys;
        this.models = MODELS.subList(0, models);
        this.accountsPerProvider = accountsPerProvider;
        this.cacheReadPercent = cacheReadPercent;
        this.seed = seed;
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public Profile profile() {
        return profile;
    }

    public long count() {
        return count;
    }

    public int keys() {
        return keys;
    }

    /** A fresh pass over the stream, from the first event. */
    public Cursor cursor() {
        return new Cursor();
    }

    /** Reads the stream in order; each call to {@link #next(int)} continues where the last stopped. */
    public final class Cursor {
        private final SplittableRandom random = new SplittableRandom(seed);
        private long index;

        public boolean hasNext() {
            return index < count;
        }

        /** Up to {@code max} next events. */
        public List<UsageRecorded> next(int max) {
            List<UsageRecorded> out = new ArrayList<>((int) Math.min(max, count - index));
            while (out.size() < max && index < count) {
                out.add(event(index++));
            }
            return out;
        }

        private UsageRecorded event(long i) {
            Instant at = profile.occurredAt(now, i, count, random);
            String apiKeyId = "key_" + skewedKey();
            Model m = pickModel();
            String accountId = null;
            String accountType = null;
            if (random.nextInt(20) != 0) {
                for (String[] t : ACCOUNT_TYPES) {
                    if (t[0].equals(m.provider())) {
                        accountType = t[1];
                    }
                }
                int n = m.provider().equals("claude") ? accountsPerProvider + 1 : accountsPerProvider;
                accountId = "acc_" + m.provider() + "_" + (1 + random.nextInt(Math.max(1, n)));
            }
            TokenUsage usage = tokens(m);
            boolean longContext = m.name().startsWith("claude-sonnet") && usage.cacheRead() > 180_000;
            String model = ModelNames.normalise(m.name());
            AssessedCost cost = pricer.assess(apiKeyId, accountType, model, usage, "standard", longContext);
            return new UsageRecorded(LedgerEvent.CURRENT_SCHEMA_VERSION,
                    "bench-" + profile.label() + "-" + Long.toString(seed, 36) + "-" + i, at, apiKeyId, accountId,
                    accountType, model, m.name(), usage, "standard", longContext,
                    m.provider().equals("claude") ? "/v1/messages" : "/v1/chat/completions", 200,
                    random.nextBoolean(), 400L + random.nextInt(30_000), "bench-relay", at.plusMillis(150), cost);
        }

        private TokenUsage tokens(Model m) {
            long input = 50 + (long) (6_000 * Math.pow(random.nextDouble(), 2));
            long output = 20 + random.nextInt(2_000);
            if (!m.provider().equals("claude")) {
                long cached = random.nextInt(100) < cacheReadPercent / 2 ? random.nextInt(30_000) : 0;
                return new TokenUsage(input, output, 0, 0, 0, cached);
            }
            long cacheRead = random.nextInt(100) < cacheReadPercent ? random.nextInt(80_000) : 0;
            if (random.nextInt(100) == 0) {
                cacheRead = 180_001 + random.nextInt(60_000);
            }
            long cacheCreate = random.nextInt(5) == 0 ? 100 + random.nextInt(10_000) : 0;
            long eph1h = cacheCreate > 0 && random.nextInt(4) == 0 ? cacheCreate / 4 : 0;
            long eph5m = cacheCreate > 0 && random.nextInt(5) != 0 ? cacheCreate - eph1h : 0;
            return new TokenUsage(input, output, cacheCreate, eph5m, eph1h, cacheRead);
        }

        private int skewedKey() {
            double u = random.nextDouble();
            return (int) Math.min(keys - 1, Math.floor(keys * u * u * u));
        }

        private Model pickModel() {
            int total = models.stream().mapToInt(Model::weight).sum();
            int r = random.nextInt(total);
            for (Model m : models) {
                r -= m.weight();
                if (r < 0) {
                    return m;
                }
            }
            return models.get(0);
        }
    }
}
