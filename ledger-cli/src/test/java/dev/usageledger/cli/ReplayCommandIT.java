package dev.usageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.projections.Events;
import dev.usageledger.projections.event.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ledger replay} against a real topic and database: usage-consumer counts some events, stops, and more events
 * (and a poison message) land on the topic that it never sees. A replay of the whole topic counts each of those
 * once, counts nothing it had counted again, lists the poison message, and leaves the consumer's stored offsets
 * where they were; a second replay adds nothing; the consumer, started again, adds nothing either.
 */
class ReplayCommandIT {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final String GROUP = "cli-replay";
    private static LiveConsumer consumer;

    @BeforeAll
    static void start() {
        consumer = new LiveConsumer(GROUP, "Europe/Berlin");
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private static Cli replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(consumer.kafkaOptions());
        all.addAll(consumer.databaseOptions());
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void countsTheEventsTheConsumerNeverSawOnceAndNothingTwice() throws Exception {
        List<LedgerEvent> seen = new ArrayList<>();
        List<LedgerEvent> unseen = new ArrayList<>();
        long seenTokens = 0;
        long unseenTokens = 0;
        for (int i = 0; i < 30; i++) {
            seen.add(Events.usage("rp_seen_" + i).at(NOW.minusSeconds(600 + i)).key("key_r" + i % 5)
                    .tokens(100 + i, 10).build());
            seenTokens += 100 + i;
        }
        for (int i = 0; i < 20; i++) {
            unseen.add(Events.usage("rp_unseen_" + i).at(NOW.minusSeconds(300 + i)).key("key_r" + i % 5)
                    .tokens(1000 + i, 20).build());
            unseenTokens += 1000 + i;
        }
        unseen.add(Events.adjustment("rp_adj_1").at(NOW.minusSeconds(200)).key("key_r1").amounts("-0.5", "-0.6")
                .correcting("rp_unseen_1").build());
        unseen.add(Events.adjustment("rp_adj_2").at(NOW.minusSeconds(100)).key("key_r2").amounts("0.25", "0.3")
                .build());
        consumer.publish(seen);
        consumer.awaitProjected();
        Map<Integer, Long> offsetsBefore = storedOffsets(GROUP);
        consumer.stop();

        Instant unseenFrom = Instant.now();
        consumer.publish(unseen);
        RecordMetadata poison = consumer.publishRaw(new ProducerRecord<>(consumer.topic, 1, "key_r1",
                "{\"type\":\"usage.recorded\"".getBytes(StandardCharsets.UTF_8)));

        Cli dryRun = replay("--from", unseenFrom.toString(), "--dry-run");
        assertThat(dryRun.code()).as(dryRun.toString()).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(dryRun.err()).as(dryRun.toString())
                .contains("replay --dry-run: 23 records read, 22 would be new, 0 duplicates, 1 dead");
        assertThat(single("SELECT COUNT(*) FROM usage_records")).as("a dry run writes nothing").isEqualTo(30);
        assertThat(single("SELECT COUNT(*) FROM cost_adjustments")).isZero();

        Cli replay = replay("--from-offset", "0", "--batch-size", "7");
        assertThat(replay.code()).as("a dead record was met: " + replay).isEqualTo(ExitCodes.DIFFERENCES);
        assertThat(replay.err()).as(replay.toString())
                .contains("replay: 53 records read, 22 new, 30 duplicates, 1 dead")
                .contains("replay: done, 53 offsets, 53 records");
        assertThat(replay.out()).contains("dead\t1:" + poison.offset() + "\tnot JSON");
        assertThat(replay.rows()).filteredOn(r -> !r.startsWith("dead")).hasSize(LiveConsumer.PARTITIONS);

        assertThat(single("SELECT COUNT(*) FROM usage_records")).isEqualTo(50);
        assertThat(single("SELECT COUNT(DISTINCT request_id) FROM usage_records")).isEqualTo(50);
        assertThat(single("SELECT COUNT(*) FROM cost_adjustments")).isEqualTo(2);
        assertThat(single("SELECT COUNT(*) FROM cost_adjustments WHERE request_id = 'rp_unseen_1'")).isOne();
        assertThat(single("SELECT SUM(requests) FROM usage_stats WHERE granularity = 'day'")).isEqualTo(50);
        assertThat(single("SELECT SUM(input_tokens) FROM usage_stats WHERE granularity = 'hour'"))
                .isEqualTo(seenTokens + unseenTokens);
        consumer.assertInvariantsHold();
        assertThat(storedOffsets(GROUP)).as("the live group's offsets do not move").isEqualTo(offsetsBefore);
        assertThat(storedOffsets(Replay.GROUP)).as("the replay stores no offsets").isEmpty();

        Cli again = replay("--from-offset", "0");
        assertThat(again.err()).as(again.toString())
                .contains("replay: 53 records read, 0 new, 52 duplicates, 1 dead");
        Cli someAgain = replay("--partition", "0,2", "--to-offset", "1000");
        assertThat(someAgain.err()).as(someAgain.toString()).contains(" 0 new, ").contains(" 0 dead");
        assertThat(someAgain.code()).isEqualTo(ExitCodes.OK);

        consumer.start();
        consumer.awaitProjected();
        assertThat(single("SELECT COUNT(*) FROM usage_records")).isEqualTo(50);
        assertThat(single("SELECT SUM(requests) FROM usage_stats WHERE granularity = 'month'")).isEqualTo(50);
        consumer.assertInvariantsHold();
    }

    @Test
    void aRangeIsRequiredAndMustBeOneKind() {
        assertThat(replay().code()).isEqualTo(ExitCodes.USAGE);
        Cli both = replay("--from", "2026-11-01T00:00:00Z", "--from-offset", "3");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("not both");
        assertThat(replay("--from-offset", "5", "--to-offset", "5").code()).isEqualTo(ExitCodes.USAGE);
        Cli noPartition = replay("--partition", "7");
        assertThat(noPartition.code()).as(noPartition.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPartition.err()).contains("has no partition 7");
        assertThat(replay("--from-offset", "0", "--swap-horizon", "soon").code()).isEqualTo(ExitCodes.USAGE);
    }

    private static long single(String sql) throws Exception {
        try (Connection c = consumer.connect()) {
            return LiveConsumer.single(c, sql);
        }
    }

    private static Map<Integer, Long> storedOffsets(String group) throws Exception {
        Map<Integer, Long> out = new TreeMap<>();
        try (Connection c = consumer.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT partition_id, next_offset FROM consumer_offsets "
                        + "WHERE consumer_group = '" + group + "'")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return out;
    }
}
