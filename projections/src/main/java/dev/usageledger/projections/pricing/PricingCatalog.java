package dev.usageledger.projections.pricing;

import dev.usageledger.projections.value.ModelNames;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An immutable price list in the format of LiteLLM's {@code model_prices_and_context_window.json}: an object whose keys
 * are model names and whose values carry per-token USD prices ({@code input_cost_per_token}, {@code
 * output_cost_per_token}, {@code cache_creation_input_token_cost}, {@code cache_creation_input_token_cost_above_1hr},
 * {@code cache_read_input_token_cost}, their {@code *_priority} variants and their prompt-size tiers {@code
 * *_above_<N>k_tokens} and {@code *_above_<N>k_tokens_priority}, any N), {@code litellm_provider} and {@code mode}.
 * Every other field is ignored, and so is LiteLLM's {@code sample_spec} entry. A catalog without a single entry is
 * invalid.
 *
 * <p>Prices are parsed exactly, as {@link BigDecimal} from the JSON text ({@code 3e-06} is exactly 0.000003), never
 * through {@code double}. A price that is not a number, or is negative, makes the whole catalog invalid: the loader
 * throws {@link InvalidPricingCatalogException} naming the model and the field, so a bad file fails at start-up
 * rather than mis-pricing later. {@code null} counts as absent.
 *
 * <p>A snapshot ships as the classpath resource {@value #BUNDLED_RESOURCE}; a file ({@link #fromFile}) replaces it
 * whole, the two are never merged. {@link CatalogReloader} replaces a catalog when its file changes.
 *
 * <p>Lookup ({@link #find}) is deterministic and never fuzzy, in this order:
 *
 * <ol>
 *   <li>the exact key, so a canonical entry ({@code claude-3-7-sonnet-20250219}, {@code gpt-4o-mini}) always wins;
 *   <li>a key whose {@link ModelNames#normalise normalised} form is the name, when no key is the name itself: Bedrock
 *       keys such as {@code amazon.nova-pro-v1:0} or {@code us.amazon.nova-pro-v1:0} are found as
 *       {@code amazon.nova-pro}. Of several such keys the shortest wins (the one without a region prefix), then the
 *       first in alphabetical order. Keys with a provider path ({@code bedrock/…}, {@code vertex_ai/…},
 *       {@code openrouter/…}) are never found this way, only by their exact name;
 *   <li>for a dated Claude name such as {@code claude-opus-4-1-20250805}, its undated alias {@code claude-opus-4-1}.
 * </ol>
 *
 * <p>Substring matching, as CRS does it, picks wrong prices and is deliberately absent.
 */
public final class PricingCatalog {

    /** Classpath location of the bundled snapshot. */
    public static final String BUNDLED_RESOURCE = "/pricing/model_prices_and_context_window.json";

    private static final Logger log = LoggerFactory.getLogger(PricingCatalog.class);
    private static final Pattern DATED_CLAUDE = Pattern.compile("^(claude-.+)-(\\d{8})$");
    /** A prompt-size tier field: class, threshold digits, {@code k}, optional {@code _priority}. */
    private static final Pattern TIER_FIELD = Pattern.compile("^(input_cost_per_token|output_cost_per_token"
            + "|cache_creation_input_token_cost_above_1hr|cache_creation_input_token_cost|cache_read_input_token_cost)"
            + "_above_(\\d{1,9})(k?)_tokens(_priority)?$");
    private static final String SAMPLE_SPEC = "sample_spec";
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final Map<String, ModelPrice> prices;
    private final Map<String, ModelPrice> byNormalisedKey;
    private final String version;
    private final String origin;

    private PricingCatalog(Map<String, ModelPrice> prices, String version, String origin) {
        this.prices = prices;
        this.byNormalisedKey = normalisedAliases(prices);
        this.version = version;
        this.origin = origin;
    }

    /** The snapshot bundled with this build, parsed once per class loader (it is immutable). */
    public static PricingCatalog bundled() {
        return Bundled.CATALOG;
    }

    /** Holds the bundled snapshot, parsed on first use. */
    private static final class Bundled {
        static final PricingCatalog CATALOG = read();

        private static PricingCatalog read() {
            try (InputStream in = PricingCatalog.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new InvalidPricingCatalogException(
                            "bundled pricing catalog missing: classpath:" + BUNDLED_RESOURCE);
                }
                return parse(in.readAllBytes(), "classpath:" + BUNDLED_RESOURCE);
            } catch (IOException e) {
                throw new InvalidPricingCatalogException("cannot read classpath:" + BUNDLED_RESOURCE, e);
            }
        }
    }

    /** The catalog in {@code path}. */
    public static PricingCatalog fromFile(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new InvalidPricingCatalogException("cannot read pricing catalog " + path, e);
        }
        return parse(bytes, path.toString());
    }

    /**
     * Parses catalog JSON.
     *
     * @param json the raw bytes; {@link #version()} is computed from exactly these bytes
     * @param origin where the bytes came from, for messages and {@link #origin()}
     */
    public static PricingCatalog parse(byte[] json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidPricingCatalogException("pricing catalog " + origin + " is not valid JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPricingCatalogException("pricing catalog " + origin + " must be a JSON object keyed by model");
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String model = entry.getKey();
            if (SAMPLE_SPEC.equals(model)) {
                continue;
            }
            prices.put(model, entry(origin, model, entry.getValue()));
        }
        if (prices.isEmpty()) {
            throw new InvalidPricingCatalogException("pricing catalog " + origin + " has no model");
        }
        PricingCatalog catalog = new PricingCatalog(Collections.unmodifiableMap(prices), versionOf(json), origin);
        log.info("pricing catalog loaded: {} models, version {}, from {}", prices.size(), catalog.version, origin);
        return catalog;
    }

    /** {@code "sha256:"} and the first 16 hex digits of the SHA-256 of the raw catalog bytes. */
    public String version() {
        return version;
    }

    /** Where the catalog was loaded from: {@code classpath:/pricing/…} or a file path. */
    public String origin() {
        return origin;
    }

    /** All catalog keys, in file order. */
    public Set<String> models() {
        return prices.keySet();
    }

    /**
     * The price of a normalised model name (see {@link ModelNames#normalise}), looked up as the class comment says;
     * empty when none matches.
     */
    public Optional<ModelPrice> find(String normalisedModel) {
        if (normalisedModel == null) {
            return Optional.empty();
        }
        ModelPrice exact = prices.get(normalisedModel);
        if (exact != null) {
            return Optional.of(exact);
        }
        ModelPrice aliased = byNormalisedKey.get(normalisedModel);
        if (aliased != null) {
            return Optional.of(aliased);
        }
        Matcher dated = DATED_CLAUDE.matcher(normalisedModel);
        if (dated.matches()) {
            return Optional.ofNullable(prices.get(dated.group(1)));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "PricingCatalog[" + prices.size() + " models, " + version + ", " + origin + "]";
    }

    private static ModelPrice entry(String origin, String model, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidPricingCatalogException(
                    "pricing catalog " + origin + ": entry '" + model + "' must be a JSON object");
        }
        Fields fields = new Fields(origin, model, node);
        return new ModelPrice(
                model,
                fields.text("litellm_provider"),
                fields.text("mode"),
                fields.prices(""),
                fields.prices("_priority"),
                fields.tiers());
    }

    /** Normalised form → entry, for keys that are not their own normalised form and whose form is no key. */
    private static Map<String, ModelPrice> normalisedAliases(Map<String, ModelPrice> prices) {
        Map<String, String> chosen = new HashMap<>();
        Comparator<String> preference = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());
        for (String key : prices.keySet()) {
            String normalised = ModelNames.normalise(key);
            if (key.indexOf('/') >= 0 || normalised.equals(key) || prices.containsKey(normalised)) {
                continue;
            }
            chosen.merge(normalised, key, (a, b) -> preference.compare(a, b) <= 0 ? a : b);
        }
        Map<String, ModelPrice> aliases = new HashMap<>();
        chosen.forEach((normalised, key) -> aliases.put(normalised, prices.get(key)));
        return Map.copyOf(aliases);
    }

    /** The version of catalog bytes: {@code "sha256:"} and the first 16 hex digits of their SHA-256. */
    static String versionOf(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "sha256:" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Reads the fields of one entry, naming the entry in every error. */
    private record Fields(String origin, String model, JsonNode node) {

        /**
         * The five classes with a variant suffix. LiteLLM puts the 1-hour suffix before the tier suffix:
         * {@code cache_creation_input_token_cost_above_1hr_above_200k_tokens}.
         */
        TokenPrices prices(String variant) {
            return new TokenPrices(
                    price("input_cost_per_token" + variant),
                    price("output_cost_per_token" + variant),
                    price("cache_creation_input_token_cost" + variant),
                    price("cache_creation_input_token_cost_above_1hr" + variant),
                    price("cache_read_input_token_cost" + variant));
        }

        /**
         * Every prompt-size tier of the entry, from its {@code *_above_<N>k_tokens[_priority]} fields. A threshold
         * {@code <N>k} is N × 1000 tokens, a plain {@code <N>} is N, as LiteLLM reads them.
         */
        List<PromptTier> tiers() {
            Map<Long, String> suffixes = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Matcher tier = TIER_FIELD.matcher(field.getKey());
                if (tier.matches()) {
                    long n = Long.parseLong(tier.group(2));
                    String suffix = "_above_" + tier.group(2) + tier.group(3) + "_tokens";
                    String previous = suffixes.putIfAbsent(tier.group(3).isEmpty() ? n : n * 1000, suffix);
                    if (previous != null && !previous.equals(suffix)) {
                        throw invalid(field.getKey(), "names the same threshold as " + previous);
                    }
                }
            }
            List<PromptTier> tiers = new ArrayList<>(suffixes.size());
            suffixes.forEach((above, suffix) ->
                    tiers.add(new PromptTier(above, prices(suffix), prices(suffix + "_priority"))));
            return tiers;
        }

        BigDecimal price(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isNumber()) {
                throw invalid(field, "must be a number, was " + value);
            }
            BigDecimal price = value.decimalValue();
            if (price.signum() < 0) {
                throw invalid(field, "must not be negative, was " + price.toPlainString());
            }
            return price;
        }

        String text(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isString()) {
                throw invalid(field, "must be a string, was " + value);
            }
            return value.stringValue();
        }

        private InvalidPricingCatalogException invalid(String field, String problem) {
            return new InvalidPricingCatalogException(
                    "pricing catalog " + origin + ": " + model + "." + field + " " + problem);
        }
    }
}
