package dev.usageledger.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ledger dead-letters list|show|republish}: the records usage-consumer could not project, with their reasons;
 * one in full; selected ones re-published to the events topic after a fix. A dead letter's id is its place in the
 * dead-letter topic, {@code <partition>:<offset>}.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List, show and re-publish the records usage-consumer dead-lettered.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ShowCommand.class,
                DeadLettersCommand.RepublishCommand.class})
final class DeadLettersCommand implements Runnable {

    private static final Pattern ID = Pattern.compile("\\d+:\\d+");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, show, republish");
    }

    private static DeadLetterTopic open(KafkaOptions kafka) {
        var topics = kafka.topics();
        return new DeadLetterTopic(kafka.bootstrapServers, topics.topic(), topics.deadLetterTopic());
    }

    /** The ids, checked: a usage error names the first malformed one. */
    private static List<String> checked(CommandLine cl, List<String> ids) {
        for (String id : ids) {
            if (!ID.matcher(id).matches()) {
                throw new CommandLine.ParameterException(cl, "not a dead-letter id <partition>:<offset>: " + id);
            }
        }
        return ids;
    }

    /** Finds every id or reports the missing ones on stderr and returns null. */
    private static List<DeadLetter> all(CommandLine cl, DeadLetterTopic dlt, List<String> ids) {
        List<DeadLetter> found = new ArrayList<>();
        boolean missing = false;
        for (Map.Entry<String, Optional<DeadLetter>> e : dlt.find(ids).entrySet()) {
            if (e.getValue().isEmpty()) {
                cl.getErr().println("no dead letter " + e.getKey() + " in " + dlt.deadLetterTopic());
                missing = true;
            } else {
                found.add(e.getValue().get());
            }
        }
        return missing ? null : found;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter: id, time, key, event id, type, reason.")
    static final class ListCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (DeadLetterTopic dlt = open(kafka)) {
                out.println("id\ttimestamp\tkey\tevent_id\ttype\treason");
                long count = dlt.forEach(d -> {
                    out.println(d.id() + "\t" + d.timestamp() + "\t" + d.key() + "\t" + d.eventId() + "\t" + d.type()
                            + "\t" + d.reason());
                    out.flush();
                });
                spec.commandLine().getErr().println("dead-letters: " + count + " in " + dlt.deadLetterTopic());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One dead letter in full: place, key, every header, the value.")
    static final class ShowCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "ID", description = "<partition>:<offset> in the dead-letter topic")
        String id;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            checked(cl, List.of(id));
            try (DeadLetterTopic dlt = open(kafka)) {
                List<DeadLetter> found = all(cl, dlt, List.of(id));
                if (found == null) {
                    return ExitCodes.DIFFERENCES;
                }
                DeadLetter d = found.get(0);
                PrintWriter out = cl.getOut();
                out.println("id:        " + d.id() + " (" + dlt.deadLetterTopic() + ")");
                out.println("timestamp: " + d.timestamp());
                out.println("key:       " + d.key());
                out.println("event id:  " + d.eventId());
                out.println("type:      " + d.type());
                out.println("reason:    " + d.reason());
                out.println("headers:");
                for (Map.Entry<String, byte[]> h : d.headers()) {
                    out.println("  " + h.getKey() + ": " + new String(h.getValue(), StandardCharsets.UTF_8));
                }
                out.println("value:");
                out.println(d.valueText());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "republish", mixinStandardHelpOptions = true,
            description = "Publish the selected dead letters to the events topic again (key and value as they were). "
                    + "An event counted before is not counted again.")
    static final class RepublishCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "ID", arity = "1..*", description = "<partition>:<offset> in the dead-letter topic")
        List<String> ids;

        @Option(names = "--dry-run", description = "list what would be re-published; publish nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            checked(cl, ids);
            try (DeadLetterTopic dlt = open(kafka)) {
                List<DeadLetter> found = all(cl, dlt, ids);
                if (found == null) {
                    cl.getErr().println("dead-letters republish: nothing published");
                    return ExitCodes.DIFFERENCES;
                }
                PrintWriter out = cl.getOut();
                if (dryRun) {
                    for (DeadLetter d : found) {
                        out.println("would republish " + d.id() + "\t" + d.eventId() + "\t" + d.type());
                    }
                    return ExitCodes.OK;
                }
                List<RecordMetadata> sent = dlt.republish(found);
                for (int i = 0; i < found.size(); i++) {
                    DeadLetter d = found.get(i);
                    out.println("republished " + d.id() + "\t" + d.eventId() + "\t" + d.type() + "\t-> "
                            + sent.get(i).topic() + " " + sent.get(i).partition() + ":" + sent.get(i).offset());
                }
                return ExitCodes.OK;
            }
        }
    }
}
