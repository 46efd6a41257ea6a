package dev.usageledger.limits;

import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The resend conflicts of the MySQL projection ({@code ledger_conflicts}) whose two versions name different API keys,
 * in {@code conflict_id} order (commit order while one transaction at a time writes conflicts): the counters dedupe per key, so such a resend counted under both keys there, and
 * the losing version must be excluded from its key ({@link UsageCounters#exclude}).
 */
public final class ConflictFeed {

    /** Most conflicts read at a time. */
    static final int PAGE = 1000;

    static final String CROSS_KEY_AFTER = """
            SELECT conflict_id, swapped, counted_version, resent_version FROM ledger_conflicts \
            WHERE conflict_id > ? AND counted_api_key_id <> resent_api_key_id ORDER BY conflict_id LIMIT ?""";

    static final String LAST_ID = "SELECT COALESCE(MAX(conflict_id), 0) FROM ledger_conflicts";

    /**
     * A cross-key conflict: the version that does not count ({@code loser}, of its own key) after the conflict was
     * decided.
     */
    public record CrossKey(long id, LedgerEvent loser) {}

    private final DataSource dataSource;
    private final EventCodec codec;

    public ConflictFeed(DataSource dataSource, EventCodec codec) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** Up to {@value #PAGE} cross-key conflicts recorded after {@code afterId}, in id order. */
    public List<CrossKey> after(long afterId) throws SQLException {
        List<CrossKey> conflicts = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CROSS_KEY_AFTER)) {
            s.setLong(1, afterId);
            s.setInt(2, PAGE);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    // Swapped: the resend counts, the version counted before lost; else the resend lost.
                    String loser = r.getBoolean(2) ? r.getString(3) : r.getString(4);
                    conflicts.add(new CrossKey(r.getLong(1), codec.decode(loser.getBytes(StandardCharsets.UTF_8))));
                }
            }
        }
        return conflicts;
    }

    /** The id of the last conflict recorded, as of {@code c}'s snapshot (0: none). */
    static long lastId(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LAST_ID); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
