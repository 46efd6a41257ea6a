package dev.usageledger.cli;

import dev.usageledger.projections.retry.RetrySettings;
import dev.usageledger.projections.retry.TransactionRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The whole-transaction retry of the CLI's database work: the projection's defaults, counted nowhere. */
final class Retries {

    private Retries() {}

    static TransactionRetry forCli() {
        return new TransactionRetry("ledger-cli", RetrySettings.DEFAULTS, new SimpleMeterRegistry());
    }
}
