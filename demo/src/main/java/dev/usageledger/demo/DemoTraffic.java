package dev.usageledger.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Realistic relay traffic, deterministic for a seed: keys with skewed popularity, Claude / OpenAI /
 * Gemini models (some with Bedrock-style names), prompt-cache reads and writes (split into 5-minute
 * and 1-hour writes, or not split at all), a few long-context requests, spread over several days,
 * and resends — identical, with other token counts, and under another API key.
 */
public final class DemoTraffic {

    /** A model, the account that serves it and how its usage looks. */
    private record Model(String name, String bedrockName, String accountId, String accountType, boolean claude,
            int weight) {}

    private static final List<Model> MODELS = List.of(
            new Model("claude-sonnet-4-5-20250929", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "acc_claude_1",
                    "claude-official", true, 45),
            new Model("claude-haiku-4-5-20251001", null, "acc_claude_1", "claude-official", true, 20),
            new Model("claude-opus-4-1-20250805", null, "acc_claude_1", "claude-official", true, 10),
            new Model("gpt-5", null, "acc_openai_1", "openai", false, 17),
            new Model("gemini-2.5-pro", null, "acc_gemini_1", "gemini", false, 8));

    private final JsonMapper mapper;
    private final SplittableRandom random;
    private final Instant now;
    private final Duration span;
    private final int keys;

    /** The events, each request once, in time order. */
    public final List<ObjectNode> originals = new ArrayList<>();
    /** Resends under the same key: identical, or with other token counts. */
    public final List<ObjectNode> resendsSameKey = new ArrayList<>();
    /** Resends under another key (so on another partition). */
    public final List<ObjectNode> resendsOtherKey = new ArrayList<>();
    /** Cost adjustments, each once. */
    public final List<ObjectNode> adjustments = new ArrayList<>();

    public DemoTraffic(JsonMapper mapper, long seed, Instant now, Duration span, int keys) {
        this.mapper = mapper;
        this.random = new SplittableRandom(seed);
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
        this.span = span;
        this.keys = keys;
    }

    public static String keyId(int i) {
        return String.format("key_%03d", i);
    }

    /** Generates {@code events} requests, {@code resendPercent}% resends and {@code adjustmentCount} adjustments. */
    public DemoTraffic generate(int events, int resendPercent, int adjustmentCount) {
        long spanMs = span.toMillis();
        for (int i = 0; i < events; i++) {
            // Time order, oldest first, ending a minute ago.
            Instant at = now.minusMillis(60_000 + spanMs - (spanMs * i / Math.max(1, events)));
            originals.add(event(String.format("req_%08d", i), at, keyId(skewedKey())));
        }
        int resends = events * resendPercent / 100;
        for (int i = 0; i < resends; i++) {
            ObjectNode original = originals.get(random.nextInt(originals.size()));
            ObjectNode resend = original.deepCopy();
            int kind = random.nextInt(10);
            if (kind < 4) {
                resendsSameKey.add(resend);
            } else if (kind < 8) {
                ObjectNode usage = (ObjectNode) resend.get("usage");
                usage.put("inputTokens", usage.get("inputTokens").asLong() + 1 + random.nextInt(500));
                usage.put("outputTokens", usage.get("outputTokens").asLong() + 7);
                resendsSameKey.add(resend);
            } else {
                String key = original.get("apiKeyId").asString();
                String other = keyId((Integer.parseInt(key.substring(4)) + 1 + random.nextInt(keys - 1)) % keys);
                resend.put("apiKeyId", other);
                resendsOtherKey.add(resend);
            }
        }
        for (int i = 0; i < adjustmentCount; i++) {
            ObjectNode a = mapper.createObjectNode();
            a.put("adjustmentId", String.format("adj_%05d", i));
            a.put("apiKeyId", keyId(random.nextInt(keys)));
            if (random.nextBoolean()) {
                a.put("accountId", "acc_claude_1");
                a.put("model", "claude-sonnet-4-5-20250929");
            }
            a.put("occurredAt", now.minusMillis(random.nextLong(spanMs)).toString());
            long micros = 1 + random.nextInt(2_000_000);
            String amount = (random.nextInt(4) == 0 ? "" : "-") + java.math.BigDecimal.valueOf(micros, 6).toPlainString();
            a.put("realUsd", amount);
            a.put("ratedUsd", amount);
            a.put("reason", "demo credit " + i);
            adjustments.add(a);
        }
        return this;
    }

    /** All usage events in the order a relay fleet would send them: each resend 200–1000 events after its original. */
    public List<ObjectNode> interleaved() {
        List<ObjectNode> resends = new ArrayList<>(resendsSameKey);
        resends.addAll(resendsOtherKey);
        Collections.shuffle(resends, new java.util.Random(random.nextLong()));
        java.util.Map<Integer, List<ObjectNode>> after = new java.util.HashMap<>();
        for (ObjectNode r : resends) {
            int originalIndex = Integer.parseInt(r.get("requestId").asString().substring(4));
            int at = Math.min(originals.size() - 1, originalIndex + 200 + random.nextInt(800));
            after.computeIfAbsent(at, k -> new ArrayList<>()).add(r);
        }
        List<ObjectNode> all = new ArrayList<>(originals.size() + resends.size());
        for (int i = 0; i < originals.size(); i++) {
            all.add(originals.get(i));
            all.addAll(after.getOrDefault(i, List.of()));
        }
        return all;
    }

    private int skewedKey() {
        // Roughly Zipf: a few keys carry most traffic.
        double u = random.nextDouble();
        return (int) Math.min(keys - 1, Math.floor(keys * u * u * u));
    }

    private Model pickModel() {
        int total = MODELS.stream().mapToInt(Model::weight).sum();
        int r = random.nextInt(total);
        for (Model m : MODELS) {
            r -= m.weight();
            if (r < 0) {
                return m;
            }
        }
        return MODELS.get(0);
    }

    private ObjectNode event(String requestId, Instant at, String apiKeyId) {
        Model m = pickModel();
        ObjectNode e = mapper.createObjectNode();
        e.put("requestId", requestId);
        e.put("occurredAt", at.toString());
        e.put("apiKeyId", apiKeyId);
        if (random.nextInt(20) != 0) {
            e.put("accountId", m.accountId());
            e.put("accountType", m.accountType());
        }
        e.put("model", m.bedrockName() != null && random.nextInt(5) == 0 ? m.bedrockName() : m.name());
        ObjectNode usage = e.putObject("usage");
        long input = 20 + random.nextInt(4000);
        long output = 10 + random.nextInt(1500);
        usage.put("inputTokens", input);
        usage.put("outputTokens", output);
        boolean longContext = false;
        if (m.claude()) {
            long cacheRead = random.nextInt(3) == 0 ? 0 : random.nextInt(60_000);
            long cacheCreate = random.nextInt(4) == 0 ? random.nextInt(8_000) : 0;
            if (m.name().startsWith("claude-sonnet") && random.nextInt(100) == 0) {
                cacheRead = 180_000 + random.nextInt(40_000);
                longContext = true;
            }
            usage.put("cacheReadTokens", cacheRead);
            if (cacheCreate > 0) {
                usage.put("cacheCreateTokens", cacheCreate);
                int split = random.nextInt(5);
                if (split < 3) {
                    usage.put("ephemeral5mTokens", cacheCreate);
                } else if (split == 3) {
                    long oneHour = cacheCreate / 3;
                    usage.put("ephemeral5mTokens", cacheCreate - oneHour);
                    usage.put("ephemeral1hTokens", oneHour);
                } // else: not split, billed as 5-minute writes
            }
        } else if (random.nextBoolean()) {
            usage.put("cacheReadTokens", random.nextInt(20_000));
        }
        e.put("serviceTier", m.name().startsWith("gpt") && random.nextInt(10) == 0 ? "priority" : "standard");
        e.put("longContext", longContext);
        e.put("endpoint", m.claude() ? "/v1/messages" : "/v1/chat/completions");
        e.put("statusCode", 200);
        e.put("stream", random.nextBoolean());
        e.put("durationMs", 300 + random.nextInt(20_000));
        return e;
    }
}
