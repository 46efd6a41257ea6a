package dev.usageledger.cli;

/** The CLI's exit codes, as documented in docs/operations.md and {@code ledger --help}. */
public final class ExitCodes {

    /** Done; nothing differs. */
    public static final int OK = 0;
    /**
     * Differences found (verify; a dry-run rebuild, replay or reprice that would change something), undecodable
     * records met by a replay, or dead letters asked for that do not exist.
     */
    public static final int DIFFERENCES = 1;
    /** The command line is wrong: unknown option, bad value, a setting the apps would refuse (picocli's usage code). */
    public static final int USAGE = 2;
    /** Could not connect, or the database or Kafka failed. */
    public static final int FAILURE = 3;

    private ExitCodes() {}
}
