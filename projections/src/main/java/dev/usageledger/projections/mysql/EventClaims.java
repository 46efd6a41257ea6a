package dev.usageledger.projections.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which request and adjustment ids are claimed in {@code ledger_event_ids}, that is counted before: what a tool asks
 * to say what projecting some events would add, without writing anything (a dry run). Reads only, without locks: the
 * answer may be stale by the time it is used; only a projection ({@link ProjectionWriter}) decides safely.
 * Thread-safe.
 */
public final class EventClaims {

    private static final int CHUNK = 1000;

    private final DataSource dataSource;

    public EventClaims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The request ids among these that are counted. */
    public Set<String> countedRequestIds(Collection<String> requestIds) {
        return claimed(ProjectionSql.USAGE_KIND, requestIds);
    }

    /** The adjustment ids among these that are counted. */
    public Set<String> countedAdjustmentIds(Collection<String> adjustmentIds) {
        return claimed(ProjectionSql.ADJUSTMENT_KIND, adjustmentIds);
    }

    private Set<String> claimed(String kind, Collection<String> ids) {
        Set<String> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<String> all = new ArrayList<>(ids);
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                try (PreparedStatement ps = c.prepareStatement(ProjectionSql.selectEventIds(chunk.size()))) {
                    ps.setString(1, kind);
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new ProjectionException("reading the claims of " + ids.size() + " ids", e);
        }
    }
}
