package dev.usageledger.statsapi.read;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * One API key's ledger rows a page at a time by page number, with the summary of every row that matches (CRS's
 * usage-records, CONTRACT §6): both read in one snapshot, so the page and the totals agree. Thread-safe.
 */
public final class KeyRecordsReader {

    private final StatsReader snapshots;

    public KeyRecordsReader(StatsReader snapshots) {
        this.snapshots = snapshots;
    }

    /** The rows matching a request: one key, {@code [from, to)}, optional model and account filters. */
    public record Query(String apiKeyId, Instant from, Instant to, String model, String accountId) {

        Filters filters() {
            return new Filters(null, model, accountId);
        }
    }

    /** The sums of the matching rows of one (model, account, account type). */
    public record Group(String model, String accountId, String accountType, long requests, long inputTokens,
            long outputTokens, long cacheCreateTokens, long cacheReadTokens, BigDecimal ratedCostUsd, Instant first,
            Instant last) {}

    /** The groups of every matching row and one page of them, from the same snapshot. */
    public record Result(List<Group> groups, List<KeyRecord> page) {}

    /**
     * @param pageOf given the number of matching rows, the offset of the page to read (or -1 for none)
     */
    public Result read(Query query, boolean newestFirst, int pageSize, LongToIntFunction pageOf) {
        Filters filters = query.filters();
        return snapshots.inSnapshot(c -> {
            List<Group> groups = groups(c, query, filters);
            long total = groups.stream().mapToLong(Group::requests).sum();
            int offset = pageOf.applyAsInt(total);
            List<KeyRecord> page = offset < 0 ? List.of() : page(c, query, filters, newestFirst, pageSize, offset);
            return new Result(groups, page);
        });
    }

    private static List<Group> groups(Connection c, Query query, Filters filters) throws SQLException {
        List<Group> groups = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ReadSql.keyRecordGroups(filters))) {
            bind(ps, query, filters);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(new Group(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBigDecimal(9),
                            instant(rs, 10), instant(rs, 11)));
                }
            }
        }
        return groups;
    }

    private static List<KeyRecord> page(Connection c, Query query, Filters filters, boolean newestFirst, int size,
            int offset) throws SQLException {
        List<KeyRecord> page = new ArrayList<>(size);
        try (PreparedStatement ps = c.prepareStatement(ReadSql.keyRecordPage(filters, newestFirst))) {
            int p = bind(ps, query, filters);
            ps.setInt(p++, size);
            ps.setInt(p, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(KeyRecord.read(rs));
                }
            }
        }
        return page;
    }

    private static int bind(PreparedStatement ps, Query query, Filters filters) throws SQLException {
        int p = 1;
        ps.setString(p++, query.apiKeyId());
        ps.setObject(p++, StatsReader.utc(query.from()));
        ps.setObject(p++, StatsReader.utc(query.to()));
        for (String value : filters.values()) {
            ps.setString(p++, value);
        }
        return p;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime at = rs.getObject(column, LocalDateTime.class);
        return at == null ? null : at.toInstant(ZoneOffset.UTC);
    }
}
