package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.projections.mysql.EventClaims;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledger replay}: re-consumes a range of the events topic, by offsets or by record time, and counts what was
 * never counted (after a dead-letter fix, or a topic restored from backup); what was counted stays counted once
 * ({@link Replay}). Writes one line per partition range and one per dead record to stdout, progress to stderr.
 * Exit 0 when done, 1 when dead records were met or a dry run found events to count.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-consume a range of the events topic and count the events never counted; "
                + "what was counted stays counted once. The live consumer's offsets do not move.")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DatabaseOptions database;

    @Mixin
    ProjectionOptions projection;

    @Option(names = "--partition", paramLabel = "N", split = ",",
            description = "partitions to read, repeatable or comma-separated (default: every partition)")
    List<Integer> partitions = new ArrayList<>();

    @Option(names = "--from-offset", paramLabel = "OFFSET",
            description = "first offset, inclusive, of each partition read (default: its start)")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "OFFSET",
            description = "last offset, exclusive, of each partition read (default: its end)")
    Long toOffset;

    @Option(names = "--from", paramLabel = "INSTANT",
            description = "read from the first record with a timestamp at or after this RFC 3339 instant")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT",
            description = "read up to the first record with a timestamp at or after this RFC 3339 instant "
                    + "(default: the end)")
    String to;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
            description = "events per projection transaction (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--dry-run", description = "count what would be new; write nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        checkOptions(cl);
        Instant start = from == null ? null : instant(cl, "--from", from);
        Instant end = to == null ? null : instant(cl, "--to", to);
        if (start != null && end != null && !end.isAfter(start)) {
            throw new CommandLine.ParameterException(cl, "--to must be after --from");
        }
        String topic = kafka.topics().topic();
        String command = dryRun ? "replay --dry-run" : "replay";
        try (HikariDataSource dataSource = database.open();
                KafkaConsumer<String, byte[]> consumer = TopicConsumers.open(kafka.bootstrapServers,
                        "ledger-cli-replay")) {
            List<PartitionRange> ranges;
            try {
                ranges = start != null
                        ? PartitionRange.byTime(consumer, topic, partitions, start, end)
                        : PartitionRange.byOffsets(consumer, topic, partitions, fromOffset, toOffset);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--partition: " + e.getMessage());
            }
            Replay replay = dryRun
                    ? Replay.dryRun(consumer, topic, new EventClaims(dataSource), batchSize)
                    : Replay.projecting(consumer, topic, projection.writer(cl, dataSource), batchSize);
            long total = ranges.stream().mapToLong(PartitionRange::size).sum();
            Progress progress = new Progress(command, total, "offsets", "records", cl.getErr(), System::nanoTime);
            PrintWriter out = cl.getOut();
            out.println("partition\tfrom_offset\tto_offset\tread\t" + (dryRun ? "would_be_new" : "new")
                    + "\tduplicates\tdead");
            long read = 0;
            long added = 0;
            long duplicates = 0;
            List<Replay.Dead> dead = new ArrayList<>();
            for (PartitionRange range : ranges) {
                Replay.Tally t = replay.run(range, progress);
                out.println(range.partition() + "\t" + range.from() + "\t" + range.to() + "\t" + t.read() + "\t"
                        + t.added() + "\t" + t.duplicates() + "\t" + t.dead().size());
                out.flush();
                read += t.read();
                added += t.added();
                duplicates += t.duplicates();
                dead.addAll(t.dead());
            }
            for (Replay.Dead d : dead) {
                out.println("dead\t" + d.partition() + ":" + d.offset() + "\t" + d.reason().replace('\n', ' '));
            }
            progress.finish();
            cl.getErr().printf("%s: %d records read, %d %s, %d duplicates, %d dead%n", command, read, added,
                    dryRun ? "would be new" : "new", duplicates, dead.size());
            return !dead.isEmpty() || (dryRun && added > 0) ? ExitCodes.DIFFERENCES : ExitCodes.OK;
        }
    }

    private void checkOptions(CommandLine cl) {
        boolean byOffset = fromOffset != null || toOffset != null;
        if (from == null && to != null) {
            throw new CommandLine.ParameterException(cl, "--to needs --from");
        }
        if (from != null && byOffset) {
            throw new CommandLine.ParameterException(cl, "give a time range (--from, --to) or offsets "
                    + "(--from-offset, --to-offset), not both");
        }
        if (from == null && !byOffset && partitions.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give a range: --from [--to], or --partition and/or "
                    + "--from-offset/--to-offset (--from-offset 0 reads every partition whole)");
        }
        if ((fromOffset != null && fromOffset < 0) || (toOffset != null && toOffset < 0)) {
            throw new CommandLine.ParameterException(cl, "offsets must not be negative");
        }
        if (fromOffset != null && toOffset != null && toOffset <= fromOffset) {
            throw new CommandLine.ParameterException(cl, "--to-offset must be after --from-offset");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new CommandLine.ParameterException(cl, "--batch-size must be within 1..10000");
        }
    }

    private static Instant instant(CommandLine cl, String option, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(cl, option + ": not an RFC 3339 instant: " + value);
        }
    }
}
