package dev.usageledger.projections.pricing;

import dev.usageledger.projections.value.Usd;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The multipliers that turn a real cost into a rated cost, as CRS applies them ({@code system:service_rates} and the
 * per-key {@code serviceRates} JSON): {@code rated = real × globalRate(service) × keyRate(apiKeyId, service)}.
 *
 * <p>A rate that is not configured is 1. Rates must not be negative. Immutable; the maps given to the constructor are
 * copied.
 */
public final class ServiceRates {

    // The service names CRS uses as fields of system:service_rates.
    public static final String CLAUDE = "claude";
    public static final String CODEX = "codex";
    public static final String GEMINI = "gemini";
    public static final String DROID = "droid";
    public static final String BEDROCK = "bedrock";
    public static final String AZURE = "azure";
    public static final String CCR = "ccr";

    /** Every rate 1. */
    public static final ServiceRates NONE = new ServiceRates(Map.of(), Map.of());

    private static final Map<String, String> SERVICE_BY_ACCOUNT_TYPE = Map.ofEntries(
            Map.entry("claude", CLAUDE),
            Map.entry("claude-official", CLAUDE),
            Map.entry("claude-console", CLAUDE),
            Map.entry("ccr", CCR),
            Map.entry("bedrock", BEDROCK),
            Map.entry("gemini", GEMINI),
            Map.entry("openai", CODEX),
            Map.entry("openai-responses", CODEX),
            Map.entry("azure", AZURE),
            Map.entry("azure-openai", AZURE),
            Map.entry("droid", DROID));
    private static final Pattern CODEX_MODEL = Pattern.compile("^(gpt|codex|o1|o3|o4).*");

    private final Map<String, BigDecimal> global;
    private final Map<String, Map<String, BigDecimal>> perKey;

    /**
     * @param global rate per service name
     * @param perKey rate per API key id, then per service name
     */
    public ServiceRates(Map<String, BigDecimal> global, Map<String, Map<String, BigDecimal>> perKey) {
        this.global = copyRates(global, "global");
        Map<String, Map<String, BigDecimal>> keys = new HashMap<>();
        Objects.requireNonNull(perKey, "perKey").forEach((apiKeyId, rates) ->
                keys.put(Objects.requireNonNull(apiKeyId, "apiKeyId"), copyRates(rates, "key " + apiKeyId)));
        this.perKey = Map.copyOf(keys);
    }

    /**
     * The service whose rates apply, mapped from the upstream account type exactly as CRS maps it; when the account
     * type is absent or unknown, inferred from the model name: {@code claude*} → claude, {@code gpt*}, {@code o1*},
     * {@code o3*}, {@code o4*}, {@code codex*} → codex, {@code gemini*} → gemini. Anything else is {@code claude}, the
     * relay's primary service (CRS's default as well), so an unrecognised request is rated like Claude traffic rather
     * than left unrated.
     */
    public static String serviceOf(String accountType, String model) {
        if (accountType != null) {
            String service = SERVICE_BY_ACCOUNT_TYPE.get(accountType.toLowerCase(Locale.ROOT));
            if (service != null) {
                return service;
            }
        }
        String name = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (name.startsWith("claude")) {
            return CLAUDE;
        }
        if (CODEX_MODEL.matcher(name).matches()) {
            return CODEX;
        }
        if (name.startsWith("gemini")) {
            return GEMINI;
        }
        return CLAUDE;
    }

    /** The global rate of {@code service}; 1 when not configured. */
    public BigDecimal globalRate(String service) {
        return global.getOrDefault(service, BigDecimal.ONE);
    }

    /** The rate of {@code service} for one API key; 1 when not configured. */
    public BigDecimal keyRate(String apiKeyId, String service) {
        Map<String, BigDecimal> rates = apiKeyId == null ? null : perKey.get(apiKeyId);
        return rates == null ? BigDecimal.ONE : rates.getOrDefault(service, BigDecimal.ONE);
    }

    /** {@code real × globalRate(service) × keyRate(apiKeyId, service)}, rounded by {@link Usd#round}. */
    public BigDecimal rated(BigDecimal real, String apiKeyId, String service) {
        Objects.requireNonNull(real, "real");
        return Usd.round(real.multiply(globalRate(service)).multiply(keyRate(apiKeyId, service)));
    }

    private static Map<String, BigDecimal> copyRates(Map<String, BigDecimal> rates, String scope) {
        Objects.requireNonNull(rates, scope + " rates");
        rates.forEach((service, rate) -> {
            Objects.requireNonNull(service, scope + " service name");
            if (rate == null || rate.signum() < 0) {
                throw new IllegalArgumentException(
                        "service rate " + scope + "/" + service + " must be a non-negative number, was " + rate);
            }
        });
        return Map.copyOf(rates);
    }
}
