package dev.usageledger.projections.value;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one normalisation of model names, applied before a name is stored or priced (CRS {@code _normalizeModelName}).
 *
 * <p>Steps, in order: strip one cross-region inference prefix ({@code us.}, {@code eu.}, {@code apac.}, {@code jp.},
 * {@code global.}); strip the vendor prefix {@code anthropic.}; strip a trailing {@code :latest}; strip a trailing
 * Bedrock version suffix {@code -v<N>:<M>}. Anything else stays exactly as sent (no trimming, no case change), so
 * {@code us.anthropic.claude-sonnet-4-5-20250929-v1:0} becomes {@code claude-sonnet-4-5-20250929} and
 * {@code gpt-5} stays {@code gpt-5}. The function is idempotent.
 */
public final class ModelNames {

    private static final List<String> REGION_PREFIXES = List.of("us.", "eu.", "apac.", "jp.", "global.");
    private static final String VENDOR_PREFIX = "anthropic.";
    private static final String LATEST_SUFFIX = ":latest";
    private static final Pattern BEDROCK_VERSION_SUFFIX = Pattern.compile("-v\\d+:\\d+$");

    private ModelNames() {}

    /** The normalised name; {@code null} stays {@code null}. */
    public static String normalise(String model) {
        if (model == null) {
            return null;
        }
        String name = model;
        for (String region : REGION_PREFIXES) {
            if (name.startsWith(region)) {
                name = name.substring(region.length());
                break;
            }
        }
        if (name.startsWith(VENDOR_PREFIX)) {
            name = name.substring(VENDOR_PREFIX.length());
        }
        if (name.endsWith(LATEST_SUFFIX)) {
            name = name.substring(0, name.length() - LATEST_SUFFIX.length());
        }
        return BEDROCK_VERSION_SUFFIX.matcher(name).replaceFirst("");
    }
}
