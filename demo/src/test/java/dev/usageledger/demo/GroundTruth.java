package dev.usageledger.demo;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.version.CallerFields;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the ledger must hold, computed by the test from the events as relay-api published them (read back from the
 * topic, with the {@code receivedAt} and the cost relay-api gave them): per id, the version accepted first (earliest
 * {@code receivedAt}, ties broken by the smaller fingerprint, CONTRACT §1), and every stats cell (UTC buckets) those
 * versions add up to. Independent of the consumer's code but for the fingerprint, a pure function of the event.
 */
final class GroundTruth {

    /** Every published version, per id, in the order read. */
    final Map<String, List<UsageRecorded>> usage = new HashMap<>();
    final Map<String, List<CostAdjusted>> adjustments = new HashMap<>();

    /** Reads every event on {@code topic}. */
    static GroundTruth read(String bootstrapServers, String topic) {
        GroundTruth truth = new GroundTruth();
        EventCodec codec = new EventCodec();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    LedgerEvent e = codec.decode(r.value());
                    if (e instanceof UsageRecorded u) {
                        truth.usage.computeIfAbsent(u.requestId(), k -> new ArrayList<>()).add(u);
                    } else if (e instanceof CostAdjusted a) {
                        truth.adjustments.computeIfAbsent(a.adjustmentId(), k -> new ArrayList<>()).add(a);
                    }
                }
            }
        }
        return truth;
    }

    /** The version of each request accepted first. */
    Map<String, UsageRecorded> firstUsage() {
        Map<String, UsageRecorded> first = new HashMap<>();
        usage.forEach((id, versions) -> first.put(id, firstAccepted(versions, u -> u.receivedAt())));
        return first;
    }

    Map<String, CostAdjusted> firstAdjustments() {
        Map<String, CostAdjusted> first = new HashMap<>();
        adjustments.forEach((id, versions) -> first.put(id, firstAccepted(versions, a -> a.receivedAt())));
        return first;
    }

    /** The ids of which some published version's caller-sent fields differ from another's. */
    List<String> idsWithDifferingVersions() {
        List<String> ids = new ArrayList<>();
        Map<String, List<? extends LedgerEvent>> all = new HashMap<>(usage);
        all.putAll(adjustments);
        all.forEach((id, versions) -> {
            CallerFields first = CallerFields.of(versions.get(0));
            if (versions.stream().anyMatch(v -> !first.differingFields(CallerFields.of(v)).isEmpty())) {
                ids.add(id);
            }
        });
        return ids;
    }

    private interface Received<E> {
        Instant at(E e);
    }

    private static <E extends LedgerEvent> E firstAccepted(List<E> versions, Received<E> received) {
        E first = versions.get(0);
        for (E v : versions) {
            int byTime = received.at(v).compareTo(received.at(first));
            if (byTime < 0 || byTime == 0 && Arrays.compareUnsigned(CallerFields.of(v).fingerprint(),
                    CallerFields.of(first).fingerprint()) < 0) {
                first = v;
            }
        }
        return first;
    }

    /** A stored request in the form {@link #row(UsageRecorded)} gives its version. */
    static String row(UsageRecorded u) {
        return String.join("|", u.apiKeyId(), String.valueOf(u.accountId()), String.valueOf(u.accountType()), u.model(),
                u.reportedModel(), u.usage().input() + "/" + u.usage().output() + "/" + u.usage().cacheCreate() + "/"
                        + u.usage().cacheRead() + "/" + u.usage().ephemeral5m() + "/" + u.usage().ephemeral1h(),
                amount(u.cost().realUsd()), amount(u.cost().ratedUsd()), u.cost().source().wireName(),
                Long.toString(u.occurredAt().toEpochMilli()), Long.toString(u.receivedAt().toEpochMilli()));
    }

    static final String STORED_ROWS = """
            SELECT request_id, api_key_id, account_id, account_type, model, reported_model, input_tokens, output_tokens,
            cache_create_tokens, cache_read_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, real_cost_usd,
            rated_cost_usd, pricing_source, occurred_at, received_at FROM usage_records""";

    /** Every stored request as {@link #row(UsageRecorded)} writes it. */
    static Map<String, String> storedRows(Connection db) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(STORED_ROWS)) {
            while (rs.next()) {
                rows.put(rs.getString(1), String.join("|", rs.getString(2), String.valueOf(rs.getString(3)),
                        String.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6),
                        rs.getLong(7) + "/" + rs.getLong(8) + "/" + rs.getLong(9) + "/" + rs.getLong(10) + "/"
                                + rs.getLong(11) + "/" + rs.getLong(12),
                        amount(rs.getBigDecimal(13)), amount(rs.getBigDecimal(14)), rs.getString(15),
                        Long.toString(millis(rs, 16)), Long.toString(millis(rs, 17))));
            }
        }
        return rows;
    }

    static String row(CostAdjusted a) {
        return String.join("|", a.apiKeyId(), String.valueOf(a.accountId()), a.model(), amount(a.realUsd()),
                amount(a.ratedUsd()), String.valueOf(a.reason()), Long.toString(a.occurredAt().toEpochMilli()));
    }

    static Map<String, String> storedAdjustments(Connection db) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT adjustment_id, api_key_id, "
                + "account_id, model, real_cost_usd, rated_cost_usd, reason, occurred_at FROM cost_adjustments")) {
            while (rs.next()) {
                rows.put(rs.getString(1), String.join("|", rs.getString(2), String.valueOf(rs.getString(3)),
                        rs.getString(4), amount(rs.getBigDecimal(5)), amount(rs.getBigDecimal(6)),
                        String.valueOf(rs.getString(7)), Long.toString(millis(rs, 8))));
            }
        }
        return rows;
    }

    // ---- stats cells ---------------------------------------------------------------------------

    /**
     * Every non-zero cell of every stats table, "table|granularity|bucket|subject|model" → measures, as the first
     * accepted versions add up in UTC buckets (the reporting zone of the test's apps).
     */
    Map<String, String> expectedCells() {
        Map<String, BigDecimal[]> cells = new TreeMap<>();
        for (UsageRecorded u : firstUsage().values()) {
            BigDecimal[] tokens = {BigDecimal.ONE, big(u.usage().input()), big(u.usage().output()),
                    big(u.usage().cacheCreate()), big(u.usage().cacheRead()), big(u.usage().ephemeral5m()),
                    big(u.usage().ephemeral1h())};
            BigDecimal[] cost = {u.cost().realUsd(), u.cost().ratedUsd()};
            for (String g : GRANULARITIES) {
                String bucket = bucket(g, u.occurredAt());
                add(cells, "usage_stats|" + g + "|" + bucket + "|" + u.apiKeyId() + "|" + u.model(), tokens);
                add(cells, "cost_stats|" + g + "|" + bucket + "|" + u.apiKeyId() + "|" + u.model(), cost);
                if (u.accountId() != null) {
                    add(cells, "account_usage_stats|" + g + "|" + bucket + "|" + u.accountId() + "|" + u.model(),
                            concat(tokens, cost));
                }
            }
        }
        for (CostAdjusted a : firstAdjustments().values()) {
            BigDecimal[] cost = {a.realUsd(), a.ratedUsd()};
            BigDecimal[] noTokens = new BigDecimal[7];
            Arrays.fill(noTokens, BigDecimal.ZERO);
            for (String g : GRANULARITIES) {
                String bucket = bucket(g, a.occurredAt());
                add(cells, "cost_stats|" + g + "|" + bucket + "|" + a.apiKeyId() + "|" + a.model(), cost);
                if (a.accountId() != null) {
                    add(cells, "account_usage_stats|" + g + "|" + bucket + "|" + a.accountId() + "|" + a.model(),
                            concat(noTokens, cost));
                }
            }
        }
        return nonZero(cells);
    }

    /** Every non-zero cell stored, in the form of {@link #expectedCells}. */
    static Map<String, String> storedCells(Connection db) throws SQLException {
        Map<String, BigDecimal[]> cells = new TreeMap<>();
        String tokens = "requests, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, "
                + "ephemeral_5m_tokens, ephemeral_1h_tokens";
        read(db, cells, "usage_stats", "api_key_id", tokens);
        read(db, cells, "cost_stats", "api_key_id", "real_cost_usd, rated_cost_usd");
        read(db, cells, "account_usage_stats", "account_id", tokens + ", real_cost_usd, rated_cost_usd");
        return nonZero(cells);
    }

    private static void read(Connection db, Map<String, BigDecimal[]> cells, String table, String subject,
            String measures) throws SQLException {
        int n = measures.split(",").length;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT granularity, bucket_start, "
                + subject + ", model, " + measures + " FROM " + table)) {
            while (rs.next()) {
                BigDecimal[] m = new BigDecimal[n];
                for (int i = 0; i < n; i++) {
                    m[i] = rs.getBigDecimal(5 + i);
                }
                String bucket = rs.getObject(2, LocalDateTime.class).toString();
                cells.put(table + "|" + rs.getString(1) + "|" + bucket + "|" + rs.getString(3) + "|"
                        + rs.getString(4), m);
            }
        }
    }

    private static final List<String> GRANULARITIES = List.of("hour", "day", "month");

    private static String bucket(String granularity, Instant at) {
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        LocalDateTime start = switch (granularity) {
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            default -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth());
        };
        return start.toString();
    }

    private static void add(Map<String, BigDecimal[]> cells, String cell, BigDecimal[] measures) {
        BigDecimal[] sums = cells.computeIfAbsent(cell, k -> {
            BigDecimal[] zero = new BigDecimal[measures.length];
            Arrays.fill(zero, BigDecimal.ZERO);
            return zero;
        });
        for (int i = 0; i < measures.length; i++) {
            sums[i] = sums[i].add(measures[i]);
        }
    }

    /** Cells whose every measure is zero are the same as no cell (CONTRACT §3). */
    private static Map<String, String> nonZero(Map<String, BigDecimal[]> cells) {
        Map<String, String> out = new LinkedHashMap<>();
        cells.forEach((cell, m) -> {
            if (Arrays.stream(m).anyMatch(v -> v.signum() != 0)) {
                out.put(cell, String.join("/", Arrays.stream(m).map(GroundTruth::amount).toList()));
            }
        });
        return out;
    }

    private static BigDecimal[] concat(BigDecimal[] a, BigDecimal[] b) {
        BigDecimal[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static BigDecimal big(long v) {
        return BigDecimal.valueOf(v);
    }

    private static String amount(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
