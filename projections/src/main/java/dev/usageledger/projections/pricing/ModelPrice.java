package dev.usageledger.projections.pricing;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The prices of one catalog entry, as the catalog gives them, and the rules that fill the gaps.
 *
 * <p>Components of the four {@link TokenPrices} are {@code null} where the catalog has no such field. {@link
 * #effective} resolves them, as CRS does:
 *
 * <ul>
 *   <li><b>Base prices.</b> A missing input or output price is 0. Missing cache prices depend on the {@link Family}:
 *       Claude models take 5-minute write = 1.25 × input, 1-hour write = 2 × input, read = 0.1 × input; OpenAI models
 *       take both cache-write prices = input and read = 0; every other model takes 0 for any missing cache price.
 *   <li><b>Service tier {@code priority}</b> (case-insensitive): each class uses its {@code *_priority} price where
 *       present, otherwise the base price of that class. Any other tier, or none, uses the base prices.
 *   <li><b>Prompt-size tiers</b> ({@code *_above_<N>k_tokens}): when the prompt exceeds a tier's threshold, the
 *       highest such tier applies; each class uses that tier's price where present (for the priority tier, its
 *       {@code *_above_<N>k_tokens_priority} price first), otherwise keeps the price chosen above. Fallback
 *       multipliers are never applied to a tier.
 * </ul>
 *
 * @param model the catalog key
 * @param provider LiteLLM {@code litellm_provider}, or {@code null}
 * @param mode LiteLLM {@code mode} ({@code chat}, {@code responses}, …), or {@code null}
 * @param standard the standard prices
 * @param priority the {@code *_priority} prices
 * @param tiers the prompt-size tiers, kept in ascending order of threshold; two tiers may not share a threshold
 */
public record ModelPrice(
        String model,
        String provider,
        String mode,
        TokenPrices standard,
        TokenPrices priority,
        List<PromptTier> tiers) {

    /** Which gap-filling rule applies to a model's missing cache prices. */
    public enum Family {
        /** Provider {@code anthropic}, {@code bedrock} or {@code vertex_ai-anthropic}, or a name starting {@code claude}. */
        CLAUDE,
        /** Provider {@code openai} or {@code azure}, or a name {@code gpt-*}, {@code o1*}, {@code o3*}, {@code o4*}. */
        OPENAI,
        /** Everything else: missing cache prices are 0. */
        OTHER
    }

    /** The service tier whose {@code *_priority} prices apply. */
    public static final String PRIORITY_TIER = "priority";

    private static final Set<String> CLAUDE_PROVIDERS = Set.of("anthropic", "bedrock", "vertex_ai-anthropic");
    private static final Set<String> OPENAI_PROVIDERS = Set.of("openai", "azure");
    private static final Pattern OPENAI_NAME = Pattern.compile("^(gpt-.*|o[134](-.*)?)$");
    private static final BigDecimal CLAUDE_WRITE_5M_FACTOR = new BigDecimal("1.25");
    private static final BigDecimal CLAUDE_WRITE_1H_FACTOR = new BigDecimal("2");
    private static final BigDecimal CLAUDE_READ_FACTOR = new BigDecimal("0.1");

    public ModelPrice {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(standard, "standard");
        Objects.requireNonNull(priority, "priority");
        tiers = Objects.requireNonNull(tiers, "tiers").stream().sorted(Comparator.comparingLong(PromptTier::aboveTokens)).toList();
        for (int i = 1; i < tiers.size(); i++) {
            if (tiers.get(i).aboveTokens() == tiers.get(i - 1).aboveTokens()) {
                throw new IllegalArgumentException(
                        model + " has two prompt tiers above " + tiers.get(i).aboveTokens() + " tokens");
            }
        }
    }

    /** A price with only standard prices (no prompt-size or priority tier). */
    public static ModelPrice of(String model, String provider, TokenPrices standard) {
        return new ModelPrice(model, provider, null, standard, TokenPrices.ABSENT, List.of());
    }

    /** The gap-filling rule for this entry: by provider first, then by name. */
    public Family family() {
        String p = provider == null ? "" : provider.toLowerCase(Locale.ROOT);
        String name = model.toLowerCase(Locale.ROOT);
        if (CLAUDE_PROVIDERS.contains(p) || name.startsWith("claude")) {
            return Family.CLAUDE;
        }
        if (OPENAI_PROVIDERS.contains(p) || OPENAI_NAME.matcher(name).matches()) {
            return Family.OPENAI;
        }
        return Family.OTHER;
    }

    /**
     * The highest tier whose threshold {@code promptTokens} exceeds (strictly, as LiteLLM compares), or {@code null}
     * when the prompt exceeds none.
     */
    public PromptTier tierFor(long promptTokens) {
        PromptTier applies = null;
        for (PromptTier tier : tiers) {
            if (promptTokens > tier.aboveTokens()) {
                applies = tier;
            }
        }
        return applies;
    }

    /**
     * The prices to bill, every component non-null.
     *
     * @param serviceTier the request's service tier; only {@code priority} (any case) changes prices
     * @param promptTokens the request's prompt size, input + cache-create + cache-read tokens, which selects the tier
     */
    public TokenPrices effective(String serviceTier, long promptTokens) {
        boolean priorityTier = PRIORITY_TIER.equalsIgnoreCase(serviceTier);
        TokenPrices base = base();
        TokenPrices chosen = priorityTier ? priority.over(base) : base;
        PromptTier tier = tierFor(promptTokens);
        if (tier != null) {
            TokenPrices tierPrices = priorityTier ? tier.priority().over(tier.standard()) : tier.standard();
            chosen = tierPrices.over(chosen);
        }
        return chosen;
    }

    /** Standard prices with the family's fallbacks applied. */
    private TokenPrices base() {
        BigDecimal input = orZero(standard.input());
        BigDecimal output = orZero(standard.output());
        BigDecimal write5m = standard.cacheWrite5m();
        BigDecimal write1h = standard.cacheWrite1h();
        BigDecimal read = standard.cacheRead();
        switch (family()) {
            case CLAUDE -> {
                write5m = write5m != null ? write5m : input.multiply(CLAUDE_WRITE_5M_FACTOR);
                write1h = write1h != null ? write1h : input.multiply(CLAUDE_WRITE_1H_FACTOR);
                read = read != null ? read : input.multiply(CLAUDE_READ_FACTOR);
            }
            case OPENAI -> {
                write5m = write5m != null ? write5m : input;
                write1h = write1h != null ? write1h : input;
                read = orZero(read);
            }
            case OTHER -> {
                write5m = orZero(write5m);
                write1h = orZero(write1h);
                read = orZero(read);
            }
        }
        return new TokenPrices(input, output, write5m, write1h, read);
    }

    private static BigDecimal orZero(BigDecimal price) {
        return price != null ? price : BigDecimal.ZERO;
    }
}
