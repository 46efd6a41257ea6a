package dev.usageledger.bench;

import dev.usageledger.fixtures.UsageTraffic;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.stack.Progress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts events on a fresh topic the way relay-api does: the {@link EventCodec} form, keyed by API key,
 * through an idempotent transactional producer ({@code acks=all}, lz4).
 */
final class EventLoader {

    static final int PARTITIONS = 6;
    private static final int EVENTS_PER_TRANSACTION = 10_000;

    private EventLoader() {}

    /** Creates {@code topic} (and its dead-letter topic) with {@value #PARTITIONS} partitions. */
    static void createTopics(String bootstrapServers, String topic) throws ExecutionException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
                    new NewTopic(topic + ".DLT", PARTITIONS, (short) 1))).all().get();
        }
    }

    static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Produces every event of {@code events}, in transactions of {@value #EVENTS_PER_TRANSACTION};
     * returns, per partition, the offset after the last event written (what the consumer's stored
     * offset reaches once it has projected them all); {@code phase} names its progress lines.
     */
    static Map<Integer, Long> load(String bootstrapServers, String topic, UsageTraffic events, LedgerTotals[] totals,
            String phase) throws ExecutionException, InterruptedException {
        EventCodec codec = new EventCodec();
        Properties p = producerProperties(bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-loader-" + topic);
        Map<Integer, Long> ends = new HashMap<>();
        LedgerTotals sum = LedgerTotals.ZERO;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
                Progress progress = Progress.onStderr(phase, events.count())) {
            producer.initTransactions();
            UsageTraffic.Cursor cursor = events.cursor();
            while (cursor.hasNext()) {
                List<UsageRecorded> chunk = cursor.next(EVENTS_PER_TRANSACTION);
                producer.beginTransaction();
                Future<RecordMetadata>[] sent = send(producer, topic, codec, chunk);
                producer.commitTransaction();
                for (Future<RecordMetadata> f : sent) {
                    RecordMetadata m = f.get();
                    ends.merge(m.partition(), m.offset() + 1, Math::max);
                }
                for (UsageRecorded u : chunk) {
                    sum = sum.plus(u);
                }
                progress.advance(chunk.size());
            }
        }
        totals[0] = sum;
        return ends;
    }

    @SuppressWarnings("unchecked")
    private static Future<RecordMetadata>[] send(KafkaProducer<String, byte[]> producer, String topic,
            EventCodec codec, List<UsageRecorded> chunk) {
        Future<RecordMetadata>[] sent = new Future[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
            UsageRecorded u = chunk.get(i);
            sent[i] = producer.send(new ProducerRecord<>(topic, u.apiKeyId(), codec.encode(u)));
        }
        return sent;
    }

    static Duration timeout(long events) {
        return Duration.ofSeconds(120 + events / 1_000);
    }

    static Set<Integer> partitions() {
        Set<Integer> all = new java.util.TreeSet<>();
        for (int i = 0; i < PARTITIONS; i++) {
            all.add(i);
        }
        return all;
    }
}
