package dev.usageledger.cli.crs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code crs_imports} records: start and finish of a run, lookup, and removal of one import whole. */
public final class BaselineImports {

    /** What an existing import was made from. */
    public record Recorded(String sourceUri, String keyPrefix, int offsetMinutes, Instant cutoff) {}

    private final DataSource dataSource;

    public BaselineImports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Recorded> find(String importId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(BaselineSql.FIND_IMPORT)) {
            s.setString(1, importId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Recorded(rs.getString(1), rs.getString(2), rs.getInt(3),
                        rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
            }
        }
    }

    /** The ids of every other import, in id order. */
    public List<String> others(String importId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(BaselineSql.OTHER_IMPORTS)) {
            s.setString(1, importId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    public void start(String importId, CrsSource source, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(BaselineSql.START_IMPORT)) {
            s.setString(1, importId);
            s.setString(2, source.safeUri());
            s.setString(3, source.keyPrefix());
            s.setInt(4, source.offset().minutes());
            s.setObject(5, BaselineWriter.utc(source.cutoff()));
            s.setObject(6, BaselineWriter.utc(now));
            s.setObject(7, BaselineWriter.utc(now));
            s.executeUpdate();
        }
    }

    public void finish(String importId, Instant now, long keysScanned, long rowsChanged) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(BaselineSql.FINISH_IMPORT)) {
            s.setObject(1, BaselineWriter.utc(now));
            s.setLong(2, keysScanned);
            s.setLong(3, rowsChanged);
            s.setString(4, importId);
            s.executeUpdate();
        }
    }

    /**
     * Deletes one import's baseline rows, then its record, in transactions of at most 10,000 rows each (a large
     * import never holds one huge transaction); touches no other table. Returns the rows deleted.
     */
    public long remove(String importId) throws SQLException {
        long deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            for (String table : BaselineSql.TABLES) {
                try (PreparedStatement s = c.prepareStatement(BaselineSql.DELETE_SOME.formatted(table))) {
                    s.setString(1, importId);
                    int n;
                    do {
                        n = s.executeUpdate();
                        deleted += n;
                    } while (n > 0);
                }
            }
        }
        return deleted;
    }
}
