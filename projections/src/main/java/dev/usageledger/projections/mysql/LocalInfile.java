package dev.usageledger.projections.mysql;

import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.fold.FoldedBatch;
import dev.usageledger.projections.fold.Measures;
import dev.usageledger.projections.fold.StatsKey;
import dev.usageledger.projections.value.CostBreakdown;
import dev.usageledger.projections.value.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes insert-only rows — ledger rows and id claims — with {@code LOAD DATA LOCAL INFILE} from a file the
 * consumer writes into its own directory, instead of rewritten multi-row {@code INSERT}s: the server skips the
 * SQL parser per value and the client skips Connector/J's per-parameter binding. Measured on the embedded
 * MariaDB (docs/performance.md, item 13): 200,000 ledger rows in 4.1–4.5 s against 9.3–10.4 s batched. Folded
 * stats rows, which are upserted, go the same way into a per-connection staging table and from there into the
 * stats table with one {@code INSERT … SELECT … ON DUPLICATE KEY UPDATE} ({@link #stats}, item 15).
 *
 * <p><b>Security.</b> A server can answer any statement with "send me file X", and Connector/J's
 * {@code allowLoadLocalInfile=true} would send whatever the process can read. This class needs only
 * {@code allowLoadLocalInfileInPath} set to {@link #directory()} (and {@code allowLoadLocalInfile} left off): the
 * driver then sends files from that directory only, which holds nothing but the rows being loaded.
 *
 * <p><b>Checks.</b> {@code LOCAL} makes the server treat every row error as a warning (it cannot stop the client
 * mid-file): a row that a plain {@code INSERT} would reject is skipped or truncated. Ledger rows therefore must
 * all arrive, with no warning at all, or the load fails (and the transaction with it). Id claims are
 * {@code IGNORE} anyway: the affected-row count is what this attempt claimed.
 *
 * <p>Used only when the server allows it ({@code local_infile}, on by default in MariaDB, off in MySQL 8):
 * {@link #usable} asks once; otherwise the writer keeps to {@code INSERT}. Thread-safe.
 */
public final class LocalInfile {

    private static final Logger log = LoggerFactory.getLogger(LocalInfile.class);
    /** Safe inside a single-quoted SQL literal whatever the SQL mode: no quote, no backslash. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/+-]+");
    private static final DateTimeFormatter DATETIME_3 = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final String NULL = "\\N";
    /** In every load file's name: a starting process deletes only the files of processes that are gone. */
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern LOAD_FILE = Pattern.compile("(?:usage-records|event-ids|stats)-(\\d{1,18})-.*\\.tsv");
    /**
     * Stats rows staged at a time: well under the 16 MB {@code MEMORY} tables get by default (a row takes ~300
     * bytes: the {@code VARCHAR}s are stored at full width).
     */
    static final int STAGING_CHUNK = 5000;

    private final Path directory;
    private volatile Boolean serverAllows;

    private LocalInfile(Path directory) {
        this.directory = directory;
    }

    /**
     * Loads from files in {@code directory} (created if missing, owner-only); the connections must carry
     * {@code allowLoadLocalInfileInPath} naming the same directory. The directory must not be a symbolic link, must
     * belong to this process's user and, where the file system has POSIX permissions, be writable by nobody else:
     * whoever can write there could swap a file between its write and its load. Load files a crashed
     * process left there are deleted.
     */
    public static LocalInfile in(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(dir.toString()).matches()) {
            throw new IllegalArgumentException("the LOAD DATA directory must be a path of [A-Za-z0-9._/+-], was " + dir);
        }
        try {
            if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
                createPrivate(dir);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(
                        "the LOAD DATA directory " + dir + " is a symbolic link or not a directory");
            }
            // Fails now rather than on the first poll: a directory this process cannot write would stop every one.
            // The probe's owner is this process's user (user.name may have no entry in a container's passwd).
            Path probe = Files.createTempFile(dir, "probe-", ".tsv");
            try {
                requirePrivate(dir, Files.getOwner(probe));
            } finally {
                Files.delete(probe);
            }
            sweep(dir);
            return new LocalInfile(dir.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or write the LOAD DATA directory " + dir, e);
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(dir);
        }
    }

    private static void requirePrivate(Path dir, UserPrincipal self) throws IOException {
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(self)) {
            throw new IllegalArgumentException("the LOAD DATA directory " + dir + " belongs to " + owner.getName()
                    + ", not to this process's user " + self.getName());
        }
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS) != null) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IllegalArgumentException("the LOAD DATA directory " + dir + " is writable by others ("
                        + PosixFilePermissions.toString(perms) + "); it must be the consumer's own (chmod 700)");
            }
        }
    }

    /**
     * Deletes the load files of processes that are no longer running (a crash between a file's write and its
     * delete); those of running ones — other consumers sharing the directory — are theirs.
     */
    private static void sweep(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tsv")) {
            for (Path file : files) {
                Matcher m = LOAD_FILE.matcher(file.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(file);
                    log.info("deleted {}, left by a process that is gone", file);
                }
            }
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Whether the server accepts {@code LOAD DATA LOCAL}; asked on the first connection, and again after a load
     * failed (the setting may have been switched off).
     */
    boolean usable(Connection c) throws SQLException {
        Boolean allows = serverAllows;
        if (allows == null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ProjectionSql.SELECT_LOCAL_INFILE)) {
                allows = rs.next() && rs.getBoolean(1);
            }
            if (!allows) {
                log.warn("the server has local_infile off: ledger rows, id claims and stats rows are written with "
                        + "INSERT");
            }
            serverAllows = allows;
        }
        return allows;
    }

    /** Inserts the ledger rows; fails unless every row arrived without a warning. */
    void usageRecords(Connection c, List<UsageRecorded> rows) throws SQLException {
        StringBuilder tsv = new StringBuilder(rows.size() * 400);
        for (UsageRecorded u : rows) {
            appendUsageRecord(tsv, u);
        }
        int loaded = load(c, "usage-records-", tsv, ProjectionSql::loadUsageRecords, true);
        if (loaded != rows.size()) {
            throw new SQLException("LOAD DATA stored " + loaded + " of " + rows.size() + " ledger rows");
        }
    }

    /**
     * Claims the ids with {@code token}, as {@link ProjectionSql#INSERT_EVENT_IDS} does, and returns how many
     * this attempt claimed (the ids must be distinct: then all of them are new when that equals their number).
     */
    int eventIds(Connection c, String kind, List<? extends LedgerEvent> events, long token) throws SQLException {
        StringBuilder tsv = new StringBuilder(events.size() * 64);
        for (LedgerEvent e : events) {
            tsv.append(kind).append('\t');
            text(tsv, e.eventId()).append('\t');
            datetime(tsv, e.occurredAt()).append('\t').append(token).append('\n');
        }
        return load(c, "event-ids-", tsv, ProjectionSql::loadEventIds, false);
    }

    /**
     * Adds the folded stats rows to the stats tables, as the batched upsert does: per table, in the same table
     * order, the rows (already in primary-key order) are loaded into the connection's staging table and added
     * from there with one {@code INSERT … SELECT … ORDER BY} primary key {@code … ON DUPLICATE KEY UPDATE}. Every
     * row must arrive without a warning, or the load fails. Returns the rows upserted.
     */
    int stats(Connection c, FoldedBatch folded) throws SQLException {
        stats(c, ProjectionSql.StatsTable.USAGE, folded.usageStats());
        stats(c, ProjectionSql.StatsTable.COST, folded.costStats());
        stats(c, ProjectionSql.StatsTable.ACCOUNT_USAGE, folded.accountStats());
        return folded.rowCount();
    }

    private void stats(Connection c, ProjectionSql.StatsTable table, List<Map.Entry<StatsKey, Measures>> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(table.createStaging());
            // In chunks, in order: the rows are sorted, so the chunks lock the stats rows in primary-key order too.
            for (int from = 0; from < rows.size(); from += STAGING_CHUNK) {
                List<Map.Entry<StatsKey, Measures>> chunk =
                        rows.subList(from, Math.min(rows.size(), from + STAGING_CHUNK));
                StringBuilder tsv = new StringBuilder(chunk.size() * (table.cost ? 160 : 120));
                for (Map.Entry<StatsKey, Measures> row : chunk) {
                    appendStatsRow(tsv, row.getKey(), row.getValue(), table.tokens, table.cost);
                }
                // Not transactional: a rolled-back or failed earlier use may have left rows behind.
                s.executeUpdate(table.emptyStaging());
                int loaded = load(c, "stats-", tsv, table::loadStaging, true);
                if (loaded != chunk.size()) {
                    throw new SQLException("LOAD DATA staged " + loaded + " of " + chunk.size() + " " + table.table
                            + " rows");
                }
                s.executeUpdate(table.upsertFromStaging());
            }
        }
    }

    /** One stats row in {@link ProjectionSql.StatsTable} column order: what {@link LedgerRows#bindStatsRow} binds. */
    static void appendStatsRow(StringBuilder tsv, StatsKey k, Measures m, boolean tokens, boolean cost) {
        tsv.append(k.granularity().sqlName()).append('\t');
        bucketStart(tsv, k.bucketStart()).append('\t');
        text(tsv, k.subjectId()).append('\t');
        text(tsv, k.model());
        if (tokens) {
            tsv.append('\t').append(m.requests()).append('\t').append(m.inputTokens()).append('\t')
                    .append(m.outputTokens()).append('\t').append(m.cacheCreateTokens()).append('\t')
                    .append(m.cacheReadTokens()).append('\t').append(m.ephemeral5mTokens()).append('\t')
                    .append(m.ephemeral1hTokens());
        }
        if (cost) {
            decimal(tsv.append('\t'), m.realCostUsd());
            decimal(tsv.append('\t'), m.ratedCostUsd());
        }
        tsv.append('\n');
    }

    /** One ledger row in {@link ProjectionSql#USAGE_RECORD_COLUMNS} order, the values {@link LedgerRows} binds. */
    static void appendUsageRecord(StringBuilder tsv, UsageRecorded u) {
        TokenUsage t = u.usage();
        text(tsv, u.requestId()).append('\t');
        datetime(tsv, u.occurredAt()).append('\t');
        text(tsv, u.apiKeyId()).append('\t');
        text(tsv, u.accountId()).append('\t');
        text(tsv, u.accountType()).append('\t');
        text(tsv, u.model()).append('\t');
        text(tsv, u.reportedModel()).append('\t');
        tsv.append(t.input()).append('\t').append(t.output()).append('\t').append(t.cacheCreate()).append('\t')
                .append(t.cacheRead()).append('\t').append(t.ephemeral5m()).append('\t').append(t.ephemeral1h())
                .append('\t');
        decimal(tsv, u.cost().realUsd()).append('\t');
        decimal(tsv, u.cost().ratedUsd()).append('\t');
        text(tsv, u.cost().source().wireName()).append('\t');
        text(tsv, u.cost().pricingVersion()).append('\t');
        text(tsv, u.serviceTier()).append('\t');
        tsv.append(u.longContext() ? '1' : '0').append('\t');
        text(tsv, u.endpoint()).append('\t');
        tsv.append(u.statusCode() == null ? NULL : u.statusCode().toString()).append('\t');
        tsv.append(u.stream() == null ? NULL : u.stream() ? "1" : "0").append('\t');
        tsv.append(u.durationMs() == null ? NULL : u.durationMs().toString()).append('\t');
        text(tsv, u.relayId()).append('\t');
        datetime(tsv, u.receivedAt());
        CostBreakdown cb = u.cost().breakdown();
        if (cb == null) {
            tsv.append("\t\\N\t\\N\t\\N\t\\N\t\\N");
        } else {
            decimal(tsv.append('\t'), cb.input());
            decimal(tsv.append('\t'), cb.output());
            decimal(tsv.append('\t'), cb.cacheWrite5m());
            decimal(tsv.append('\t'), cb.cacheWrite1h());
            decimal(tsv.append('\t'), cb.cacheRead());
        }
        tsv.append('\n');
    }

    private interface Sql {
        String of(String file);
    }

    private int load(Connection c, String prefix, CharSequence tsv, Sql sql, boolean noWarnings) throws SQLException {
        Path file = null;
        try {
            file = Files.createTempFile(directory, prefix + PID + "-", ".tsv");
            // getBytes, not writeString: a lone surrogate becomes '?' as the INSERT path stores it, not an error.
            Files.write(file, tsv.toString().getBytes(StandardCharsets.UTF_8));
            try (Statement s = c.createStatement()) {
                int rows;
                try {
                    rows = s.executeUpdate(sql.of(file.toString()));
                } catch (SQLException e) {
                    // local_infile may have been switched off: the retry asks the server again (and inserts).
                    serverAllows = null;
                    throw e;
                }
                SQLWarning warning = noWarnings ? s.getWarnings() : null;
                if (warning != null) {
                    throw new SQLException("LOAD DATA warned: " + warning.getMessage(), warning.getSQLState(),
                            warning.getErrorCode(), warning);
                }
                return rows;
            }
        } catch (IOException e) {
            throw new SQLException("writing the LOAD DATA file failed", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("cannot delete {}", file, e);
                }
            }
        }
    }

    /** A string field: {@code \N} for NULL; backslash, tab, newline, carriage return and NUL escaped. */
    static StringBuilder text(StringBuilder tsv, String value) {
        if (value == null) {
            return tsv.append(NULL);
        }
        // Nearly every value needs no escape: appended whole, not char by char (a quarter of the writer thread's CPU).
        int clean = 0;
        while (clean < value.length() && !escaped(value.charAt(clean))) {
            clean++;
        }
        if (clean == value.length()) {
            return tsv.append(value);
        }
        tsv.append(value, 0, clean);
        for (int i = clean; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> tsv.append("\\\\");
                case '\t' -> tsv.append("\\t");
                case '\n' -> tsv.append("\\n");
                case '\r' -> tsv.append("\\r");
                case '\0' -> tsv.append("\\0");
                default -> tsv.append(ch);
            }
        }
        return tsv;
    }

    private static boolean escaped(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\0';
    }

    /** {@code yyyy-MM-dd HH:mm:ss.SSS} in UTC (events carry milliseconds at most); {@code \N} for NULL. */
    static StringBuilder datetime(StringBuilder tsv, Instant instant) {
        if (instant == null) {
            return tsv.append(NULL);
        }
        // Not DateTimeFormatter: 2 of every row's 30 fields, and the formatter was a tenth of the writer's CPU.
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1000 || year > 9999) {
            return tsv.append(DATETIME_3.format(t));
        }
        toSeconds(tsv, t).append('.');
        int millis = t.getNano() / 1_000_000;
        return tsv.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10));
    }

    /** A bucket start, {@code yyyy-MM-dd HH:mm:ss} (whole hours); {@code \N} for NULL. */
    static StringBuilder bucketStart(StringBuilder tsv, LocalDateTime t) {
        if (t == null) {
            return tsv.append(NULL);
        }
        int year = t.getYear();
        if (year < 1000 || year > 9999 || t.getNano() != 0) {
            return tsv.append(DATETIME_3.format(t));
        }
        return toSeconds(tsv, t);
    }

    /** {@code yyyy-MM-dd HH:mm:ss} of a four-digit year. */
    private static StringBuilder toSeconds(StringBuilder tsv, LocalDateTime t) {
        tsv.append(t.getYear()).append('-');
        twoDigits(tsv, t.getMonthValue()).append('-');
        twoDigits(tsv, t.getDayOfMonth()).append(' ');
        twoDigits(tsv, t.getHour()).append(':');
        twoDigits(tsv, t.getMinute()).append(':');
        return twoDigits(tsv, t.getSecond());
    }

    private static StringBuilder twoDigits(StringBuilder tsv, int value) {
        return tsv.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static StringBuilder decimal(StringBuilder tsv, BigDecimal value) {
        return value == null ? tsv.append(NULL) : tsv.append(value.toPlainString());
    }
}
