package dev.usageledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark command end to end with a tiny N, on its own embedded stack, so it cannot rot: raw,
 * raw LOAD DATA, naive and the real usage-consumer process, P4's capacity and two loads (relay-api and usage-consumer together),
 * admission (direct and HTTP), the report and the correctness checks.
 */
class BenchSmokeIT {

    @Test
    void producesAReportWhoseCorrectnessChecksPass() throws Exception {
        Path out = Path.of("target", "bench-smoke").toAbsolutePath();

        int exit = new CommandLine(new BenchMain()).execute("--events", "2000", "--naive-sample", "200",
                "--profile", "live", "--scenarios", "p1,p2,p4,p5,admission", "--ingest-events", "500",
                "--freshness-capacity-events", "1000", "--freshness-warmup-seconds", "1", "--freshness-seconds", "2", "--admission-requests", "300",
                "--admission-threads", "4", "--admission-keys", "5", "--admission-warmup", "300", "--no-redis-benchmark", "--out", out.toString());

        assertThat(exit).as("exit status (1 = a correctness check failed)").isZero();
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| P1 | live | raw |", "| P1 | live | raw LOAD DATA |", "| P1 | live | naive |",
                "| P1 | live | pipeline |", "P1 live: raw LOAD DATA sums = generated sums | passed",
                "P1 live: pipeline / raw LOAD DATA",
                "P1 live: pipeline sums = raw sums", "| P2 | live | raw producer |",
                "| P2 | live | relay-api HTTP, batch 100 |", "P2: relay-api accepted every batch (202)",
                "P5 relay-api peak RSS", "| P4 | live | end-to-end capacity, batch 100 |",
                "P4 freshness p99 at half of the end-to-end capacity", "P4 freshness p99 at half of P1's live pipeline rate",
                "P4, half of the end-to-end capacity: every batch accepted and visible | passed", "| admission | allowed | direct |", "| admission | allowed | relay-api HTTP |",
                "admission HTTP / direct", "admission: every admission allowed (direct, HTTP) | passed",
                "redis-benchmark not run", "Correctness: PASSED");
        assertThat(Files.readString(out.resolve("report.csv")))
                .startsWith("kind,scenario,profile,name,events,seconds,value,target,ok\n")
                .contains("measurement,P1,live,pipeline,2000,");
    }

    @Test
    void theReadsScenarioTimesEveryReadAndChecksItsAnswersThenVerifiesAndRebuilds() throws Exception {
        Path out = Path.of("target", "bench-smoke-reads").toAbsolutePath();

        int exit = new CommandLine(new BenchMain()).execute("--scenarios", "reads", "--reads-rows", "5000",
                "--reads-days", "10", "--reads-keys", "50", "--reads-samples", "3", "--reads-deep-pages", "2",
                "--out", out.toString());

        assertThat(exit).as("exit status (1 = a correctness check failed)").isZero();
        assertThat(Files.readString(out.resolve("report.md"))).contains(
                "reads p99: one key's daily series over 10 days", "reads p99: all traffic's hourly series by model",
                "reads p99: top 20 keys over calendar month", "reads p99: top 20 keys over an arbitrary 30 days",
                "reads p99: a ledger page of 100 at depth 2,000", "reads: ledger CSV of",
                "reads: the ledger CSV has every row of its range | passed",
                "reads: key_00000's daily series totals = the ledger's | passed",
                "reads: the month's top key and its rated cost = the ledger's | passed",
                "reads: all traffic's hourly series counts the ledger's requests and unpriced requests | passed",
                "reads first call: one key's daily series", "operate: ledger verify, ", "operate: ledger rebuild, ",
                "operate: ledger verify finds the loaded set consistent (exit 0) | passed",
                "operate: ledger rebuild changes exactly the corrupted cells | passed",
                "operate: ledger verify after the rebuild (exit 0) | passed",
                "Correctness: PASSED");
        assertThat(Files.readString(out.resolve("reads-plans.txt"))).contains("FROM key_stats", "FROM model_stats",
                "FROM usage_records", "possible_keys");
    }
}
