package dev.usageledger.cli;

import dev.usageledger.common.InvalidSettingException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator CLI: {@code ledger verify}, {@code ledger rebuild}, {@code ledger dead-letters}, {@code ledger replay},
 * {@code ledger reprice}, {@code ledger retention}, {@code ledger import-crs}. Reads the same settings as the apps (the
 * same environment variables), writes results to stdout and progress and failures to stderr, and exits with one of the
 * {@link ExitCodes}. docs/operations.md documents every command.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true, version = "ledger-cli 0.1.0",
        description = "Operate the usage ledger: check and rebuild the stats, handle dead letters, replay the events "
                + "topic, reprice a range, expire old data, import Claude Relay Service's history.",
        subcommands = {VerifyCommand.class, RebuildCommand.class, DeadLettersCommand.class, ReplayCommand.class,
                RepriceCommand.class, RetentionCommand.class, ImportCrsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:differences found (verify; rebuild, replay, reprice --dry-run), undecodable records (replay), "
                        + "dead letters not found, an unexplained difference or an unknown import id (import-crs)",
                "2:usage error (unknown option, bad value, a retention the apps would refuse, a range before the "
                        + "ledger's retention)",
                "3:failure (cannot connect, database, Kafka or Redis error)"})
public final class LedgerCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Kafka's and Hikari's own logging: warnings and errors, on stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /** Runs one command line; returns its exit code ({@link ExitCodes}). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new LedgerCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof InvalidSettingException) {
                // A setting the apps would refuse at start-up (a bad topic name): the command line is wrong.
                cl.getErr().println("ledger " + cl.getCommandName() + ": " + e.getMessage());
                cl.getErr().flush();
                return ExitCodes.USAGE;
            }
            cl.getErr().println("ledger " + cl.getCommandName() + ": failed: " + describe(e));
            cl.getErr().flush();
            return ExitCodes.FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The failure and its causes, one message each: what an operator needs without a stack trace. */
    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("\n  caused by: ").append(cause.getClass().getSimpleName()).append(": ")
                    .append(cause.getMessage());
        }
        return text.toString();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
