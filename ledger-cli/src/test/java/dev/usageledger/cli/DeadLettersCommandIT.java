package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.projector.Projector;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ledger dead-letters} against a live usage-consumer: a poison message it dead-lettered itself, and valid events
 * written to the dead-letter topic by hand (one counted before, one never counted, as after a fix).
 */
class DeadLettersCommandIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static LiveConsumer consumer;

    @BeforeAll
    static void start() {
        consumer = new LiveConsumer("cli-dead-letters", "UTC");
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private static Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of("dead-letters"));
        all.add(args[0]);
        all.addAll(consumer.kafkaOptions());
        all.addAll(List.of(args).subList(1, args.length));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void listsShowsAndRepublishesAValidDeadLetterThatCountsOnce() throws Exception {
        UsageRecorded counted = Events.usage("dlt_counted").at(NOW.minusSeconds(60)).key("key_d").build();
        UsageRecorded fixed = Events.usage("dlt_fixed").at(NOW.minusSeconds(30)).key("key_d").tokens(777, 7).build();
        consumer.publish(List.of(counted));
        consumer.publishRaw(new ProducerRecord<>(consumer.topic, "key_d", "not json".getBytes(StandardCharsets.UTF_8)));
        consumer.awaitProjected();
        for (UsageRecorded e : List.of(counted, fixed)) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(consumer.deadLetterTopic, e.apiKeyId(),
                    consumer.codec().encode(e));
            record.headers().add(Projector.REASON_HEADER, "written by the test".getBytes(StandardCharsets.UTF_8));
            consumer.publishRaw(record);
        }

        Cli list = awaitList(3);
        assertThat(list.code()).as(list.toString()).isEqualTo(ExitCodes.OK);
        String poison = idOf(list, "\t-\t-\t");
        String countedId = idOf(list, "\tdlt_counted\tusage.recorded\twritten by the test");
        String fixedId = idOf(list, "\tdlt_fixed\tusage.recorded\twritten by the test");
        assertThat(list.rows()).filteredOn(r -> r.startsWith(poison + "\t")).singleElement().asString()
                .doesNotEndWith("\t-");

        Cli show = cli("show", poison);
        assertThat(show.code()).as(show.toString()).isEqualTo(ExitCodes.OK);
        assertThat(show.out()).contains("key:       key_d").contains(Projector.REASON_HEADER + ": ")
                .contains("value:\nnot json");

        Cli dryRun = cli("republish", fixedId, "--dry-run");
        assertThat(dryRun.code()).as(dryRun.toString()).isEqualTo(ExitCodes.OK);
        assertThat(dryRun.out()).contains("would republish " + fixedId + "\tdlt_fixed");
        consumer.awaitProjected();
        assertThat(count("dlt_fixed")).as("a dry run publishes nothing").isZero();

        Cli republish = cli("republish", fixedId);
        assertThat(republish.code()).as(republish.toString()).isEqualTo(ExitCodes.OK);
        assertThat(republish.out()).contains("republished " + fixedId + "\tdlt_fixed\tusage.recorded\t-> "
                + consumer.topic);
        consumer.awaitProjected();
        assertThat(count("dlt_fixed")).isOne();

        Cli again = cli("republish", fixedId, countedId);
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.OK);
        consumer.awaitProjected();
        assertThat(count("dlt_fixed")).isOne();
        assertThat(count("dlt_counted")).isOne();
        try (Connection c = consumer.connect()) {
            assertThat(LiveConsumer.single(c, "SELECT SUM(requests) FROM usage_stats WHERE granularity = 'day'"))
                    .isEqualTo(2);
            assertThat(LiveConsumer.single(c, "SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = 'hour'"))
                    .isEqualTo(counted.usage().input() + 777);
        }
    }

    @Test
    void anUnknownIdFindsNothingAndAMalformedOneIsAUsageError() {
        Cli unknown = cli("republish", "0:999999");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(unknown.err()).contains("no dead letter 0:999999").contains("nothing published");
        assertThat(cli("show", "abc").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("dead-letters", "list", "--bootstrap-servers", LiveConsumer.bootstrapServers(),
                "--topic", "bad topic!").code()).isEqualTo(ExitCodes.USAGE);
    }

    private static Cli awaitList(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Cli list = cli("list");
            if (list.rows().size() >= atLeast || System.nanoTime() > deadline) {
                return list;
            }
            Thread.sleep(200);
        }
    }

    private static String idOf(Cli list, String fragment) {
        return list.rows().stream().filter(r -> r.contains(fragment)).map(r -> r.split("\t")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + fragment + " in\n" + list));
    }

    private static long count(String requestId) throws Exception {
        try (Connection c = consumer.connect()) {
            return LiveConsumer.single(c, "SELECT COUNT(*) FROM usage_records WHERE request_id = '" + requestId + "'");
        }
    }
}
