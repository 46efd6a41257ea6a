package dev.usageledger.demo.dashboards;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The SQL a Grafana 12 MySQL panel sends for a time range and a choice of variables: the dashboard variables are
 * interpolated first (as Grafana's front end does, {@code $__interval} included), then the data source's macros are
 * expanded (as its back end does). Only the macros and formats {@code grafana/dashboards} use, not a Grafana
 * reimplementation; anything else fails, so a dashboard cannot use what this helper would leave unexpanded.
 *
 * <ul>
 *   <li>{@code $__timeFilter(col)} → {@code col BETWEEN FROM_UNIXTIME(from) AND FROM_UNIXTIME(to)} (epoch seconds);</li>
 *   <li>{@code $__timeFrom()}, {@code $__timeTo()} → {@code FROM_UNIXTIME(from)}, {@code FROM_UNIXTIME(to)};</li>
 *   <li>{@code $__timeGroup(col, interval)} → {@code cast(cast(UNIX_TIMESTAMP(col)/(s) as signed)*s as signed)} with
 *       {@code s} the interval in seconds ({@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 1w}, optionally
 *       quoted); {@code $__timeGroupAlias} the same followed by {@code AS "time"};</li>
 *   <li>{@code $__interval} → the interval given here (Grafana derives it from the range and the panel's width,
 *       never below the panel's {@code interval});</li>
 *   <li>{@code ${name:sqlstring}}, and {@code ${name}} / {@code $name} of a multi-value or include-All variable → each
 *       value as an SQL string ({@code '} doubled), comma-separated; {@code ${name}} / {@code $name} of a single-value
 *       variable → the value with {@code '} doubled, unquoted; {@code ${name:raw}} → the values comma-separated;</li>
 *   <li>All, with the variable's custom all value: that value, inserted unformatted whatever the format (Grafana
 *       skips formatting custom all values). All without a custom all value is refused.</li>
 * </ul>
 * The data source runs the result in a session whose time zone is its {@code timezone} ({@code +00:00} in
 * {@code grafana/provisioning/datasources/ledger.yml}); callers set the same.
 */
public final class GrafanaSql {

    private static final Pattern BRACED = Pattern.compile("\\$\\{(\\w+)(?::(\\w+))?}");
    private static final Pattern PLAIN = Pattern.compile("\\$(?!__)(\\w+)");
    private static final Pattern MACRO = Pattern.compile("\\$__(\\w+)(?:\\(([^)]*)\\))?");
    private static final Pattern INTERVAL = Pattern.compile("'?(\\d+)(s|m|h|d|w)'?");

    /**
     * A dashboard variable as its JSON defines it.
     *
     * @param options the values of a custom variable ({@code query} split at commas); empty for a query variable
     */
    public record Variable(String name, boolean multi, boolean includeAll, String allValue, List<String> options) {}

    /** A variable's selection: {@link #all} or chosen values. */
    public record Choice(Variable variable, List<String> values) {

        public static Choice all(Variable variable) {
            return new Choice(variable, List.of());
        }

        public static Choice of(Variable variable, String... values) {
            return new Choice(variable, List.of(values));
        }

        public boolean isAll() {
            return values.isEmpty();
        }

        @Override
        public String toString() {
            return variable.name() + "=" + (isAll() ? "All" : String.join(",", values));
        }
    }

    private final Instant from;
    private final Instant to;
    private final Duration interval;

    public GrafanaSql(Instant from, Instant to, Duration interval) {
        this.from = from;
        this.to = to;
        this.interval = interval;
    }

    /** {@code sql} with every variable of {@code choices} and every macro substituted. */
    public String expand(String sql, Map<String, Choice> choices) {
        String interpolated = replace(BRACED, sql, m -> format(choice(choices, m.group(1)), m.group(2)));
        interpolated = replace(PLAIN, interpolated, m -> format(choice(choices, m.group(1)), null));
        interpolated = interpolated.replace("$__interval", grafanaInterval(interval));
        return replace(MACRO, interpolated, m -> macro(m.group(1), m.group(2)));
    }

    private static Choice choice(Map<String, Choice> choices, String name) {
        Choice c = choices.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no value for variable $" + name);
        }
        return c;
    }

    private static String format(Choice choice, String format) {
        Variable v = choice.variable();
        if (choice.isAll()) {
            if (v.allValue() == null || v.allValue().isEmpty()) {
                throw new IllegalArgumentException("$" + v.name() + ": All without a custom all value is not supported");
            }
            return v.allValue();
        }
        String f = format == null ? (v.multi() || v.includeAll() ? "sqlstring" : "escaped") : format;
        return switch (f) {
            case "sqlstring" -> choice.values().stream().map(s -> "'" + s.replace("'", "''") + "'")
                    .collect(Collectors.joining(","));
            case "escaped" -> String.join(",", choice.values()).replace("'", "''");
            case "raw" -> String.join(",", choice.values());
            default -> throw new IllegalArgumentException("$" + v.name() + ": format " + f + " is not supported");
        };
    }

    private String macro(String name, String args) {
        List<String> a = args == null || args.isBlank() ? List.of() : List.of(args.split(","));
        return switch (name) {
            case "timeFilter" -> arg(name, a, 0) + " BETWEEN " + fromUnixTime(from) + " AND " + fromUnixTime(to);
            case "timeFrom" -> fromUnixTime(from);
            case "timeTo" -> fromUnixTime(to);
            case "timeGroup" -> timeGroup(arg(name, a, 0), seconds(arg(name, a, 1)));
            case "timeGroupAlias" -> timeGroup(arg(name, a, 0), seconds(arg(name, a, 1))) + " AS \"time\"";
            default -> throw new IllegalArgumentException("macro $__" + name + " is not supported by this helper");
        };
    }

    private static String arg(String macro, List<String> args, int index) {
        if (args.size() <= index) {
            throw new IllegalArgumentException("$__" + macro + " needs argument " + (index + 1));
        }
        return args.get(index).trim();
    }

    private static String timeGroup(String column, long seconds) {
        return "cast(cast(UNIX_TIMESTAMP(" + column + ")/(" + seconds + ") as signed)*" + seconds + " as signed)";
    }

    private static long seconds(String interval) {
        Matcher m = INTERVAL.matcher(interval);
        if (!m.matches()) {
            throw new IllegalArgumentException("interval " + interval + " is not supported");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86_400;
            default -> n * 604_800;
        };
    }

    /** {@code 1h}, {@code 5m}, {@code 30s}: the largest whole unit, as Grafana writes intervals. */
    static String grafanaInterval(Duration d) {
        long s = d.toSeconds();
        if (s <= 0) {
            throw new IllegalArgumentException("interval " + d);
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static String fromUnixTime(Instant t) {
        return "FROM_UNIXTIME(" + t.getEpochSecond() + ")";
    }

    private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
