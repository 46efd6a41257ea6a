package dev.usageledger.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as the apps' settings write them: {@code 400d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 250ms} or
 * ISO-8601 ({@code P30D}).
 */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /** The duration {@code value} of {@code option}; a usage error naming the option otherwise. */
    static Duration parse(CommandLine commandLine, String option, String value) {
        Matcher m = SIMPLE.matcher(value.strip());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value.strip());
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            throw new CommandLine.ParameterException(commandLine,
                    option + ": not a duration such as 400d, 12h or P30D: " + value);
        }
    }

    /** As {@link #parse}, and a usage error unless positive. */
    static Duration positive(CommandLine commandLine, String option, String value) {
        Duration d = parse(commandLine, option, value);
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.ParameterException(commandLine,
                    option + ": not a positive duration (7d, 168h, P7D): " + value);
        }
        return d;
    }
}
