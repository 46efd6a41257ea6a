package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line itself: help, usage errors and their exit codes, without a database or Kafka. */
class LedgerCliTest {

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli help = Cli.run("--help");
        assertThat(help.code()).isEqualTo(ExitCodes.OK);
        assertThat(help.out()).contains("verify", "rebuild", "dead-letters", "replay", "reprice", "retention",
                "import-crs", "Exit codes:", "3   failure");
    }

    @Test
    void aWrongCommandLineIsAUsageErrorNamingWhatIsWrong() {
        assertThat(Cli.run().code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("dead-letters").code()).isEqualTo(ExitCodes.USAGE);
        Cli missing = Cli.run("rebuild", "--from", "2026-11-01");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("--to");
        Cli badInstant = Cli.run("verify", "--from", "2026-11-01T25:00:00Z", "--to", "2026-11-02");
        assertThat(badInstant.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badInstant.err()).contains("--from: not an RFC 3339 instant");
        assertThat(Cli.run("dead-letters", "republish").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("dead-letters", "republish", "3-17").code()).isEqualTo(ExitCodes.USAGE);
        Cli noCatalog = Cli.run("reprice", "--from", "2026-11-01", "--to", "2026-11-02");
        assertThat(noCatalog.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCatalog.err()).contains("--catalog");
        assertThat(Cli.run("replay", "--from", "yesterday").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aRetentionOptionOutOfRangeIsAUsageErrorBeforeAnyDatabaseIsAsked() {
        Cli badAge = Cli.run("retention", "--hourly-retention", "ninety days");
        assertThat(badAge.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAge.err()).contains("--hourly-retention: not a duration");
        Cli tooShort = Cli.run("retention", "--claims-retention", "P20D", "--jdbc-url", "jdbc:mysql://127.0.0.1:1/none");
        assertThat(tooShort.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooShort.err()).contains("ledger.retention.claims (PT480H) must be at least ledger.ingest.max-event-age");
        assertThat(Cli.run("retention", "--months-ahead", "0").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("retention", "--batch-size", "0").code()).isEqualTo(ExitCodes.USAGE);
    }
}
