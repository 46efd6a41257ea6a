package dev.usageledger.demo;

import dev.usageledger.stack.AppJvmArgs;
import dev.usageledger.stack.EmbeddedStack;
import dev.usageledger.stack.JavaProcess;
import dev.usageledger.stack.Ports;
import dev.usageledger.stack.RepoLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Starts relay-api, usage-consumer and stats-api from their executable jars, each in its own JVM, wired to
 * an {@link EmbeddedStack}. Separate processes keep the apps' classpaths apart, let a test SIGKILL
 * the consumer, and let memory be measured per app.
 */
public final class LedgerApps {

    public static final String RELAY_NAME = "demo-relay";
    public static final String RELAY_TOKEN = "demo-relay-token-0123456789abcdef";
    public static final String ADMIN_NAME = "demo-admin";
    public static final String ADMIN_TOKEN = "demo-admin-token-0123456789abcdef";
    public static final String ANALYST_NAME = "demo-analyst";
    public static final String ANALYST_TOKEN = "demo-analyst-token-0123456789abcdef";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final EmbeddedStack stack;
    private final Path logDir;
    private final RepoLayout repo = RepoLayout.find();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int relayPort;
    private final int consumerPort;
    private final List<String> extraConsumerArgs = new ArrayList<>();
    private final List<String> extraRelayArgs = new ArrayList<>();
    private JavaProcess relayApi;
    private JavaProcess statsApi;
    private int statsPort;
    private final List<JavaProcess> consumers = new ArrayList<>();
    private JavaProcess consumer;

    public LedgerApps(EmbeddedStack stack, Path logDir, int relayPort, int consumerPort) {
        this.stack = stack;
        this.logDir = logDir;
        this.relayPort = relayPort == 0 ? Ports.freePort() : relayPort;
        this.consumerPort = consumerPort == 0 ? Ports.freePort() : consumerPort;
    }

    /** Extra {@code --key=value} arguments for every consumer start (e.g. a smaller poll size in tests). */
    public LedgerApps consumerArgs(String... args) {
        extraConsumerArgs.addAll(List.of(args));
        return this;
    }

    /** Extra {@code --key=value} arguments for relay-api (e.g. service rates). */
    public LedgerApps relayArgs(String... args) {
        extraRelayArgs.addAll(List.of(args));
        return this;
    }

    public String relayUrl() {
        return "http://127.0.0.1:" + relayPort;
    }

    public String consumerUrl() {
        return "http://127.0.0.1:" + consumerPort;
    }

    public String statsUrl() {
        return "http://127.0.0.1:" + statsPort;
    }

    public JavaProcess statsApi() {
        return statsApi;
    }

    /** Starts stats-api on {@code port} (0: a free one): MySQL only, analyst and admin tokens read. */
    public void startStatsApi(int port) throws IOException, InterruptedException {
        statsPort = port == 0 ? Ports.freePort() : port;
        statsApi = JavaProcess.builder("stats-api")
                .jar(repo.require("stats-api/target/stats-api-exec.jar"))
                .jvmArgs(AppJvmArgs.STATS_API.toArray(String[]::new))
                .env("LEDGER_SECURITY_ANALYSTTOKENS", ANALYST_NAME + ":" + ANALYST_TOKEN)
                .env("LEDGER_SECURITY_ADMINTOKENS", ADMIN_NAME + ":" + ADMIN_TOKEN)
                .env("LEDGER_SECURITY_RELAYTOKENS", RELAY_NAME + ":" + RELAY_TOKEN)
                .args("--server.port=" + statsPort, "--spring.datasource.url=" + stack.jdbcUrl(),
                        "--spring.datasource.username=root", "--spring.datasource.password=")
                .logFile(logDir.resolve("stats-api.log"))
                .start();
        awaitReady(statsApi, statsUrl());
    }

    public JavaProcess relayApi() {
        return relayApi;
    }

    public JavaProcess consumer() {
        return consumer;
    }

    public void startRelayApi() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--server.port=" + relayPort,
                "--spring.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--spring.datasource.url=" + stack.jdbcUrl(),
                "--spring.datasource.username=root",
                "--spring.datasource.password=",
                "--ledger.redis.uri=" + stack.redisUri()));
        args.addAll(extraRelayArgs);
        relayApi = JavaProcess.builder("relay-api")
                .jar(repo.require("relay-api/target/relay-api-exec.jar"))
                .jvmArgs(AppJvmArgs.RELAY_API.toArray(String[]::new))
                .env("LEDGER_SECURITY_RELAYTOKENS", RELAY_NAME + ":" + RELAY_TOKEN)
                .env("LEDGER_SECURITY_ADMINTOKENS", ADMIN_NAME + ":" + ADMIN_TOKEN)
                .args(args.toArray(String[]::new))
                .logFile(logDir.resolve("relay-api.log"))
                .start();
        awaitReady(relayApi, relayUrl());
    }

    /** Starts relay-api and usage-consumer side by side (their JVM start-ups overlap). */
    public void startAll() throws IOException, InterruptedException {
        CompletableFuture<Void> relay = CompletableFuture.runAsync(() -> {
            try {
                startRelayApi();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        startConsumer();
        relay.join();
    }

    /** Starts usage-consumer on the configured port; see {@link #startAnotherConsumer()} for more instances. */
    public void startConsumer() throws IOException, InterruptedException {
        startConsumer(consumerPort);
    }

    /** One more usage-consumer instance in the same consumer group, on a free port: the group rebalances. */
    public JavaProcess startAnotherConsumer() throws IOException, InterruptedException {
        return startConsumer(Ports.freePort());
    }

    private JavaProcess startConsumer(int port) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--spring.datasource.url=" + stack.jdbcUrl(),
                "--spring.datasource.username=root",
                "--spring.datasource.password=",
                "--ledger.redis.uri=" + stack.redisUri()));
        args.addAll(extraConsumerArgs);
        JavaProcess started = JavaProcess.builder("usage-consumer")
                .jar(repo.require("usage-consumer/target/usage-consumer-exec.jar"))
                .jvmArgs(AppJvmArgs.USAGE_CONSUMER.toArray(String[]::new))
                .env("LEDGER_SECURITY_ADMINTOKENS", ADMIN_NAME + ":" + ADMIN_TOKEN)
                .args(args.toArray(String[]::new))
                .logFile(logDir.resolve("usage-consumer-" + (consumers.size() + 1) + ".log"))
                .start();
        consumers.add(started);
        awaitReady(started, "http://127.0.0.1:" + port);
        if (port == consumerPort) {
            consumer = started;
        }
        return started;
    }

    /**
     * SIGKILL of the instance on the configured port: no shutdown hook, no rollback from the app's
     * side; MySQL rolls back its open transaction.
     */
    public void killConsumer() {
        consumer.kill();
    }

    private void awaitReady(JavaProcess process, String baseUrl) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start-up:\n" + process.logTail(60));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(process.name() + " not ready after " + READY_TIMEOUT + ":\n"
                + process.logTail(60));
    }

    public void stop() {
        if (relayApi != null) {
            relayApi.stop(Duration.ofSeconds(10));
        }
        if (statsApi != null) {
            statsApi.stop(Duration.ofSeconds(10));
        }
        for (JavaProcess c : consumers) {
            if (c.isAlive()) {
                c.stop(Duration.ofSeconds(10));
            }
        }
    }
}
