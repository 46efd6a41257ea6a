package dev.usageledger.cli.crs;

import dev.usageledger.cli.Progress;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reads CRS's usage from Redis with {@code SCAN} only (never {@code KEYS}), page by page: each page's keys parsed
 * ({@link CrsKeys}), the ones of buckets that end at or before the cutoff read in one pipeline (HGETALL for hashes,
 * GET for cost keys), and handed to the {@link PageSink} before the next page is asked for. Memory is bounded by one
 * page, however many keys the database holds. A key that expired between SCAN and read is skipped, as is one of
 * another type than its name says.
 */
public final class CrsScanner {

    /** Receives one page's rows; the scan waits for it. */
    public interface PageSink {
        void accept(List<BaselineRow> rows) throws SQLException;
    }

    /** What one scan saw. {@code costUnknown}: key-and-model hashes with usage but no cost fields. */
    public record Counts(long keysScanned, long rowsRead, long keysSkipped, long keysAfterCutoff, long costUnknown) {}

    static final int PAGE = 1000;

    private final UnifiedJedis redis;
    private final CrsKeys keys;
    private final CrsOffset offset;
    private final Instant cutoff;

    public CrsScanner(UnifiedJedis redis, CrsKeys keys, CrsOffset offset, Instant cutoff) {
        this.redis = redis;
        this.keys = keys;
        this.offset = offset;
        this.cutoff = cutoff;
    }

    public Counts scan(PageSink sink, Progress progress) throws SQLException {
        ScanParams params = new ScanParams().match(keys.scanPattern()).count(PAGE);
        String cursor = ScanParams.SCAN_POINTER_START;
        long scanned = 0;
        long read = 0;
        long skipped = 0;
        long afterCutoff = 0;
        long costUnknown = 0;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            cursor = page.getCursor();
            List<CrsKey> wanted = new ArrayList<>();
            for (String name : page.getResult()) {
                var parsed = keys.parse(name);
                if (parsed.isEmpty() || !hasValidLabel(parsed.get())) {
                    skipped++;
                } else if (offset.end(parsed.get().granularity(), start(parsed.get())).isAfter(cutoff)) {
                    afterCutoff++;
                } else {
                    wanted.add(parsed.get());
                }
            }
            List<BaselineRow> rows = read(wanted);
            for (BaselineRow row : rows) {
                if (row.measures() != null && row.key().kind() == CrsKey.Kind.KEY_MODEL && row.measures().costUnknown()) {
                    costUnknown++;
                }
            }
            sink.accept(rows);
            scanned += page.getResult().size();
            read += rows.size();
            progress.advance(page.getResult().size(), rows.size());
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return new Counts(scanned, read, skipped, afterCutoff, costUnknown);
    }

    private boolean hasValidLabel(CrsKey key) {
        try {
            start(key);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private Instant start(CrsKey key) {
        return offset.start(key.granularity(), key.label());
    }

    private List<BaselineRow> read(List<CrsKey> wanted) {
        List<BaselineRow> rows = new ArrayList<>(wanted.size());
        if (wanted.isEmpty()) {
            return rows;
        }
        List<Response<Map<String, String>>> hashes = new ArrayList<>(wanted.size());
        List<Response<String>> strings = new ArrayList<>(wanted.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (CrsKey key : wanted) {
                hashes.add(key.kind().isHash() ? pipeline.hgetAll(key.redisKey()) : null);
                strings.add(key.kind().isHash() ? null : pipeline.get(key.redisKey()));
            }
            pipeline.sync();
        }
        for (int i = 0; i < wanted.size(); i++) {
            CrsKey key = wanted.get(i);
            try {
                if (key.kind().isHash()) {
                    Map<String, String> hash = hashes.get(i).get();
                    if (!hash.isEmpty()) {
                        rows.add(BaselineRow.hash(key, start(key),
                                CrsMeasures.of(hash, key.kind() == CrsKey.Kind.KEY_MODEL)));
                    }
                } else {
                    String value = strings.get(i).get();
                    if (value != null) {
                        rows.add(BaselineRow.cost(key, start(key), CrsMeasures.dollars(value)));
                    }
                }
            } catch (JedisDataException wrongType) {
                // Not the type CRS writes under this name: not CRS's usage.
            }
        }
        return rows;
    }
}
