package dev.usageledger.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code key_limits} table (sql/migration/V2): the SQL of the limits lives here and only here. Plain JDBC;
 * {@link SQLException}s propagate to the caller, which knows whether an outage allows a stale answer.
 */
public final class KeyLimitsStore {

    static final String SELECT = """
            SELECT window_seconds, requests_per_window, tokens_per_window, cost_per_window_usd, concurrency,
                   lease_seconds, daily_cost_usd, total_cost_usd, weekly_cost_usd, weekly_reset_day,
                   weekly_reset_hour, shadow
              FROM key_limits WHERE api_key_id = ?""";

    /** Every configured key (the counters' rebuild). */
    static final String SELECT_ALL = """
            SELECT api_key_id, window_seconds, requests_per_window, tokens_per_window, cost_per_window_usd, concurrency,
                   lease_seconds, daily_cost_usd, total_cost_usd, weekly_cost_usd, weekly_reset_day,
                   weekly_reset_hour, shadow
              FROM key_limits""";

    static final String UPSERT = """
            INSERT INTO key_limits (api_key_id, window_seconds, requests_per_window, tokens_per_window,
                   cost_per_window_usd, concurrency, lease_seconds, daily_cost_usd, total_cost_usd, weekly_cost_usd,
                   weekly_reset_day, weekly_reset_hour, shadow, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE window_seconds = VALUES(window_seconds),
                   requests_per_window = VALUES(requests_per_window), tokens_per_window = VALUES(tokens_per_window),
                   cost_per_window_usd = VALUES(cost_per_window_usd), concurrency = VALUES(concurrency),
                   lease_seconds = VALUES(lease_seconds), daily_cost_usd = VALUES(daily_cost_usd),
                   total_cost_usd = VALUES(total_cost_usd), weekly_cost_usd = VALUES(weekly_cost_usd),
                   weekly_reset_day = VALUES(weekly_reset_day), weekly_reset_hour = VALUES(weekly_reset_hour),
                   shadow = VALUES(shadow), updated_at = VALUES(updated_at), updated_by = VALUES(updated_by)""";

    private final DataSource dataSource;

    public KeyLimitsStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The key's limits; empty when it was never configured. */
    public Optional<KeyLimits> find(String apiKeyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT)) {
            s.setString(1, apiKeyId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new KeyLimits(r.getInt(1), r.getLong(2), r.getLong(3), r.getBigDecimal(4),
                        r.getInt(5), r.getInt(6), r.getBigDecimal(7), r.getBigDecimal(8), r.getBigDecimal(9),
                        r.getInt(10), r.getInt(11), r.getBoolean(12)));
            }
        }
    }

    /** Every configured key's limits, read on {@code c} (inside the caller's transaction). */
    public static Map<String, KeyLimits> findAll(Connection c) throws SQLException {
        Map<String, KeyLimits> all = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(SELECT_ALL); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                all.put(r.getString(1), new KeyLimits(r.getInt(2), r.getLong(3), r.getLong(4), r.getBigDecimal(5),
                        r.getInt(6), r.getInt(7), r.getBigDecimal(8), r.getBigDecimal(9), r.getBigDecimal(10),
                        r.getInt(11), r.getInt(12), r.getBoolean(13)));
            }
        }
        return all;
    }

    /** Replaces the key's limits (autocommit: one statement). */
    public void put(String apiKeyId, KeyLimits l, String updatedBy, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setString(1, apiKeyId);
            s.setInt(2, l.windowSeconds());
            s.setLong(3, l.requestsPerWindow());
            s.setLong(4, l.tokensPerWindow());
            s.setBigDecimal(5, l.costPerWindowUsd());
            s.setInt(6, l.concurrency());
            s.setInt(7, l.leaseSeconds());
            s.setBigDecimal(8, l.dailyCostUsd());
            s.setBigDecimal(9, l.totalCostUsd());
            s.setBigDecimal(10, l.weeklyCostUsd());
            s.setInt(11, l.weeklyResetDay());
            s.setInt(12, l.weeklyResetHour());
            s.setBoolean(13, l.shadow());
            s.setTimestamp(14, Timestamp.from(at)); // the connection is pinned to UTC
            s.setString(15, updatedBy);
            s.executeUpdate();
        }
    }
}
