package dev.usageledger.kafkabroker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node KRaft Kafka (broker and controller in one process) for development and tests.
 *
 * <pre>
 * java -cp 'kafka-broker/target/lib/*:kafka-broker/target/kafka-broker-0.1.0-SNAPSHOT.jar' \
 *   dev.usageledger.kafkabroker.LocalKafkaBroker --data-dir DIR --port P --controller-port C \
 *   [--partitions N] [--parent-pid PID]
 * </pre>
 *
 * <p>Contract with whoever launches it (see {@code dev.usageledger.stack.KafkaBroker}):
 * <ul>
 *   <li>writes {@code DIR/server.properties}, formats {@code DIR/kraft-logs} once (an already
 *       formatted directory is reused, so a broker can be restarted on its data);</li>
 *   <li>prints exactly one line {@code KAFKA_READY 127.0.0.1:P} on stdout once the broker is
 *       started and its client port accepts connections;</li>
 *   <li>on SIGTERM shuts the broker down cleanly (about 2 s) before the JVM exits (status 143);</li>
 *   <li>with {@code --parent-pid}, exits (cleanly) within about a second of that process dying,
 *       so a SIGKILLed test JVM never leaves a broker behind (status 0);</li>
 *   <li>on any start-up failure prints {@code KAFKA_FAILED <reason>} and exits 1.</li>
 * </ul>
 * Listeners bind 127.0.0.1 only. It never calls {@code kafka.Kafka.main}, whose error paths call
 * {@code System.exit} without telling why on stdout.
 *
 * <p>{@code KafkaRaftServer} and {@code StorageTool} are internal Kafka (Scala) APIs: expect to
 * revisit this class when {@code kafka.version} changes.
 */
public final class LocalKafkaBroker {

    public static final String READY_MARKER = "KAFKA_READY";
    public static final String FAILED_MARKER = "KAFKA_FAILED";

    private LocalKafkaBroker() {
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (Throwable e) {
            System.out.println(FAILED_MARKER + " " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private static void run(Options options) throws Exception {
        Files.createDirectories(options.dataDir());
        Path logDir = options.dataDir().resolve("kraft-logs");
        Properties props = serverProperties(options, logDir);
        Path propsFile = options.dataDir().resolve("server.properties");
        writeProperties(props, propsFile);

        long t0 = System.nanoTime();
        format(propsFile, logDir);
        long formatted = System.nanoTime();

        kafka.server.KafkaRaftServer server = new kafka.server.KafkaRaftServer(
                kafka.server.KafkaConfig.fromProps(props, false),
                org.apache.kafka.common.utils.Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        if (options.parentPid() > 0) {
            watchParent(options.parentPid());
        }
        server.startup();
        awaitPort(options.port(), Duration.ofSeconds(30));
        long ready = System.nanoTime();

        System.out.printf("%s 127.0.0.1:%d (format %d ms, startup %d ms)%n", READY_MARKER, options.port(),
                (formatted - t0) / 1_000_000, (ready - formatted) / 1_000_000);
        System.out.flush();
        server.awaitShutdown();
        stopped.await();
    }

    static Properties serverProperties(Options options, Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + options.controllerPort());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + options.port() + ",CONTROLLER://127.0.0.1:" + options.controllerPort());
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + options.port());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", Integer.toString(options.partitions()));
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        // 50 partitions by default: creating them delays the first consumer-group join on 2 cores.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private static void writeProperties(Properties props, Path file) throws IOException {
        StringBuilder text = new StringBuilder("# written by LocalKafkaBroker at every start\n");
        props.stringPropertyNames().stream().sorted()
                .forEach(k -> text.append(k).append('=').append(props.getProperty(k)).append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    /** Formats the log dir unless a previous run did (then the existing cluster id is kept). */
    private static void format(Path propsFile, Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool$.MODULE$.execute(new String[] {
                    "format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"}, ps);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8), e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting " + logDir + " failed (rc=" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker started but 127.0.0.1:" + port + " refuses connections", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void watchParent(long parentPid) {
        Thread watchdog = new Thread(() -> {
            ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
            while (parent != null && parent.isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("parent process " + parentPid + " is gone: shutting down");
            System.out.flush();
            System.exit(0);
        }, "kafka-broker-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    record Options(Path dataDir, int port, int controllerPort, int partitions, long parentPid) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
                }
                values.put(name.substring(2), args[++i]);
            }
            String dataDir = values.remove("data-dir");
            String port = values.remove("port");
            String controllerPort = values.remove("controller-port");
            String partitions = values.remove("partitions");
            String parentPid = values.remove("parent-pid");
            if (dataDir == null || port == null || controllerPort == null) {
                throw new IllegalArgumentException(
                        "usage: --data-dir DIR --port P --controller-port C [--partitions N] [--parent-pid PID]");
            }
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown options: " + values.keySet());
            }
            return new Options(Path.of(dataDir).toAbsolutePath(), Integer.parseInt(port),
                    Integer.parseInt(controllerPort), partitions == null ? 3 : Integer.parseInt(partitions),
                    parentPid == null ? 0 : Long.parseLong(parentPid));
        }
    }
}
