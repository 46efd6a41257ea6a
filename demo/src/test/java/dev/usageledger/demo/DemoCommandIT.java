package dev.usageledger.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.RepoLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's run command, as a new user runs it (the jar {@code ./demo.sh} starts), end to end. */
class DemoCommandIT {

    @Test
    void demoStartsTheStackSendsTrafficAndPrintsTotalsReadBackFromMySql() throws Exception {
        RepoLayout repo = RepoLayout.find();
        Path dir = Files.createDirectories(repo.resolve("demo/target/demo-command-it"));
        Path log = dir.resolve("demo.log");
        Files.deleteIfExists(log); // the process appends: only this run's output is read
        JavaProcess demo = JavaProcess.builder("demo")
                .jar(repo.require("demo/target/usage-ledger-demo-exec.jar"))
                .jvmArgs("-Xmx256m")
                .args("--exit", "--events", "1000", "--relay-port", "0", "--consumer-port", "0",
                        "--dir", dir.toString())
                .logFile(log)
                .start();
        boolean exited = ProcessHandle.of(demo.pid()).orElseThrow().onExit().get(5, TimeUnit.MINUTES) != null;
        String output = Files.readString(log);
        assertThat(exited).isTrue();
        assertThat(demo.exitValue()).as(output).hasValue(0);
        assertThat(output)
                .contains("servers up in")
                .contains("apps ready in")
                .contains("Per model and day")
                .contains("claude-sonnet-4-5-20250929")
                .contains("Per API key and day")
                .contains("Ledger: 1000 requests, 20 adjustments")
                .contains("/v1/usage-events")
                .contains("/actuator/prometheus")
                .contains("jdbc:mysql://127.0.0.1:")
                .contains("memory (RSS)");
        List<String> lines = output.lines().toList();
        String pageLine = lines.get(lines.indexOf(lines.stream().filter(l -> l.endsWith("Look around:")).findFirst()
                .orElseThrow()) + 1);
        assertThat(pageLine).as("the first line under Look around").matches(
                ".*usage page +http://127\\.0\\.0\\.1:\\d+/#token=" + LedgerApps.ANALYST_TOKEN + " .*");
    }
}
