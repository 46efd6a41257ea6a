package dev.usageledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {

    @Test
    void splitsMariaDbArgsIntoServerOptionsInOrder() {
        BenchMain bench = new BenchMain();
        new CommandLine(bench).parseArgs(
                "--mariadb-args= --innodb-buffer-pool-size=1G   --innodb-log-file-size=1G\t--innodb-flush-neighbors=0 ");
        assertThat(bench.mariaDbArgs()).containsExactly("--innodb-buffer-pool-size=1G", "--innodb-log-file-size=1G",
                "--innodb-flush-neighbors=0");
    }

    @Test
    void addsNoServerOptionWhenMariaDbArgsAreBlankOrAbsent() {
        BenchMain bench = new BenchMain();
        assertThat(bench.mariaDbArgs()).isEmpty();
        new CommandLine(bench).parseArgs("--mariadb-args=  ");
        assertThat(bench.mariaDbArgs()).isEmpty();
    }

    @Test
    void refusesMariaDbArgsWithExternalServers() {
        assertThat(usageError("--jdbc-url", "jdbc:mysql://db:3306/x", "--bootstrap-servers", "kafka:9092",
                "--mariadb-args=--innodb-buffer-pool-size=1G")).contains("--mariadb-args applies to the embedded");
    }

    @Test
    void refusesAVariantLabelGivenTwice() {
        assertThat(usageError("--pipeline-variant", "a=--x=1", "--pipeline-variant", "a=--x=2"))
                .contains("labels must be unique");
    }

    /** Runs the command with {@code args} (which it must refuse before starting anything); its error output. */
    private static String usageError(String... args) {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BenchMain()).setErr(new PrintWriter(err)).execute(args);
        assertThat(exit).as(err.toString()).isEqualTo(2);
        return err.toString();
    }
}
