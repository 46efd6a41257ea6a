package dev.usageledger.cli;

import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The counted requests of a ledger range, page by page in key order, each with the repricings counted for it
 * ({@link RepriceSql}): memory holds one page whatever the range. Each page is read on its own (no snapshot across
 * pages): a request counted meanwhile is read or not, never twice.
 */
final class LedgerRequests {

    /** One page: its requests, and the repricings counted per request id. */
    record Page(List<LedgerRequest> requests, Map<String, List<Repricing.Prior>> prior) {}

    private final DataSource dataSource;
    private final Instant from;
    private final Instant to;
    private final int pageSize;
    private LocalDateTime lastAt;
    private String lastId = "";

    LedgerRequests(DataSource dataSource, Instant from, Instant to, int pageSize) {
        this.dataSource = dataSource;
        this.from = from;
        this.to = to;
        this.pageSize = pageSize;
        this.lastAt = utc(from).minusNanos(1_000_000);
    }

    /** Requests in the range. */
    long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RepriceSql.COUNT_REQUESTS)) {
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The next page; empty once the range is read. */
    Page next() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<LedgerRequest> requests = new ArrayList<>(pageSize);
            try (PreparedStatement ps = c.prepareStatement(RepriceSql.PAGE_OF_REQUESTS)) {
                ps.setObject(1, utc(from));
                ps.setObject(2, utc(to));
                ps.setObject(3, lastAt);
                ps.setObject(4, lastAt);
                ps.setString(5, lastId);
                ps.setInt(6, pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        requests.add(request(rs));
                    }
                }
            }
            if (requests.isEmpty()) {
                return new Page(requests, Map.of());
            }
            LedgerRequest last = requests.get(requests.size() - 1);
            lastAt = utc(last.occurredAt());
            lastId = last.requestId();
            return new Page(requests, prior(c, requests));
        }
    }

    private static Map<String, List<Repricing.Prior>> prior(Connection c, List<LedgerRequest> requests)
            throws SQLException {
        Map<String, List<Repricing.Prior>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(RepriceSql.repricingsOf(requests.size()))) {
            ps.setObject(1, utc(requests.get(0).occurredAt()));
            ps.setObject(2, utc(requests.get(requests.size() - 1).occurredAt()));
            for (int i = 0; i < requests.size(); i++) {
                ps.setString(i + 3, requests.get(i).requestId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(
                            new Repricing.Prior(rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
                }
            }
        }
        return out;
    }

    private static LedgerRequest request(ResultSet rs) throws SQLException {
        TokenUsage usage = new TokenUsage(rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                rs.getLong(11), rs.getLong(12));
        return new LedgerRequest(rs.getString(1), rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), usage, rs.getString(13),
                rs.getBigDecimal(14), rs.getBigDecimal(15), PricingSource.fromWireName(rs.getString(16)));
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
