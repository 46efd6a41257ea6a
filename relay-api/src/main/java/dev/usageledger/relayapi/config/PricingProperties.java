package dev.usageledger.relayapi.config;

import dev.usageledger.common.InvalidSettingException;
import dev.usageledger.common.Settings;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How requests the relay did not price are priced.
 *
 * @param catalogPath  a LiteLLM-format price file that replaces the bundled snapshot, read at start and polled every
 *                     {@code reloadInterval}: new valid content replaces the catalog in force, invalid content is
 *                     refused; absent = the bundled snapshot, never reloaded
 * @param reloadInterval how often the {@code catalogPath} file is checked for new content; default 30 s
 * @param serviceRates global multiplier per service ({@code claude}, {@code codex}, {@code gemini}, {@code bedrock},
 *                     {@code azure}, {@code droid}, {@code ccr}); 1 when absent
 * @param keyRates     multiplier per API key id, then per service; 1 when absent. Keys holding dots or colons must
 *                     be bracketed in YAML/properties: {@code ledger.pricing.key-rates.[key.7f3a].claude=0.8}
 */
@ConfigurationProperties("ledger.pricing")
public record PricingProperties(
        String catalogPath,
        Duration reloadInterval,
        Map<String, BigDecimal> serviceRates,
        Map<String, Map<String, BigDecimal>> keyRates) {

    /** The default of {@code ledger.pricing.reload-interval}. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

    public PricingProperties {
        reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
        Settings.requirePositive(reloadInterval, "ledger.pricing.reload-interval");
        if (catalogPath != null && catalogPath.isBlank()) {
            catalogPath = null;
        }
        if (catalogPath != null) {
            Path path;
            try {
                path = Path.of(catalogPath);
            } catch (InvalidPathException e) {
                throw new InvalidSettingException("ledger.pricing.catalog-path", "is not a valid path: " + catalogPath);
            }
            Settings.require(Files.isRegularFile(path) && Files.isReadable(path), "ledger.pricing.catalog-path",
                    "must name a readable file, was " + catalogPath);
        }
        serviceRates = serviceRates == null ? Map.of() : Map.copyOf(serviceRates);
        serviceRates.forEach((service, rate) -> requireRate("ledger.pricing.service-rates." + service, rate));
        Map<String, Map<String, BigDecimal>> keys = new LinkedHashMap<>();
        if (keyRates != null) {
            keyRates.forEach((apiKeyId, rates) -> {
                Map<String, BigDecimal> copy = rates == null ? Map.of() : Map.copyOf(rates);
                copy.forEach((service, rate) ->
                        requireRate("ledger.pricing.key-rates[" + apiKeyId + "]." + service, rate));
                keys.put(apiKeyId, copy);
            });
        }
        keyRates = Map.copyOf(keys);
    }

    /** The catalog file, or {@code null} for the bundled snapshot. */
    public Path catalogFile() {
        return catalogPath == null ? null : Path.of(catalogPath);
    }

    private static void requireRate(String property, BigDecimal rate) {
        Settings.require(rate != null && rate.signum() >= 0, property, "must be a non-negative decimal, was " + rate);
    }
}
