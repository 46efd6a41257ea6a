package dev.usageledger.demo.dashboards;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, each with the {@code job} its selector names (or {@code null}), found
 * lexically: enough for the expressions of {@code grafana/dashboards} and {@code deploy/prometheus/alerts.yml}, not a
 * PromQL parser. Label matchers, range and subquery brackets, string literals, grouping clauses ({@code by},
 * {@code without}, {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}), function and aggregation
 * names (an identifier followed by {@code (}), keywords and numbers are not metric names. A name is the series name
 * as scraped, suffix included ({@code ledger_consumer_batch_seconds_bucket} exists only with the histogram on).
 */
public final class PromQl {

    /** A metric an expression reads, and the job its selector is restricted to ({@code null}: any). */
    public record MetricRef(String name, String job) {}

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern JOB = Pattern.compile("\\bjob\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "Inf", "NaN");

    private PromQl() {}

    public static Set<MetricRef> metrics(String expr) {
        Set<MetricRef> found = new LinkedHashSet<>();
        Matcher selectors = SELECTOR.matcher(expr);
        StringBuilder rest = new StringBuilder();
        while (selectors.find()) {
            Matcher job = JOB.matcher(selectors.group(2));
            found.add(new MetricRef(selectors.group(1), job.find() ? job.group(1) : null));
            selectors.appendReplacement(rest, " ");
        }
        selectors.appendTail(rest);
        String bare = STRING.matcher(rest).replaceAll(" ");
        bare = bare.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Matcher ids = IDENTIFIER.matcher(bare);
        while (ids.find()) {
            boolean function = ids.group(2) != null;
            if (!function && !KEYWORDS.contains(ids.group(1))) {
                found.add(new MetricRef(ids.group(1), null));
            }
        }
        return found;
    }
}
