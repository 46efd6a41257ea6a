package dev.usageledger.cli;

import dev.usageledger.projections.fold.BucketSpan;
import dev.usageledger.projections.fold.Granularity;
import dev.usageledger.projections.mysql.RetentionSql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import picocli.CommandLine;

/**
 * What {@code ledger retention} has removed ({@code ledger_retention}, V8), as {@code verify} and {@code rebuild} must
 * respect it: the ledger before {@link #ledger} was dropped, so the stats there can neither be checked nor rebuilt
 * from it (a rebuild would "repair" them to zero); hour rows before {@link #hourly} were removed on purpose; id claims
 * before {@link #claims} expired, so a ledger row there has none. Each is {@code null} while nothing was removed.
 */
record RetentionHorizons(Instant ledger, Instant hourly, Instant claims) {

    private static final int ER_NO_SUCH_TABLE = 1146;

    /** The horizons recorded in the database; none on a schema before V8. */
    static RetentionHorizons read(DataSource dataSource) {
        Instant ledger = null;
        Instant hourly = null;
        Instant claims = null;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(RetentionSql.SELECT_HORIZONS)) {
            while (rs.next()) {
                Instant keptFrom = rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                switch (rs.getString(1)) {
                    case RetentionSql.LEDGER -> ledger = keptFrom;
                    case RetentionSql.HOURLY -> hourly = keptFrom;
                    case RetentionSql.CLAIMS -> claims = keptFrom;
                    default -> { }
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_NO_SUCH_TABLE) {
                throw new IllegalStateException("reading ledger_retention failed", e);
            }
        }
        return new RetentionHorizons(ledger, hourly, claims);
    }

    /** A usage error when the range starts before the kept ledger: its stats have no ledger to be compared with. */
    void requireLedgerKept(CommandLine commandLine, Instant from) {
        if (ledger != null && from.isBefore(ledger)) {
            throw new CommandLine.ParameterException(commandLine, "--from " + from + " is before the ledger's "
                    + "retention: `ledger retention` dropped the ledger before " + ledger + ", so the stats there can "
                    + "be neither checked nor rebuilt from it (they stay as they are); start at " + ledger
                    + " or later");
        }
    }

    /**
     * The spans without the hour buckets retention removed: a span starting before {@link #hourly} loses its hours (a
     * span of hours only is left out), so those cells are neither reported missing nor written again.
     */
    List<BucketSpan> withoutRemovedHours(List<BucketSpan> spans) {
        if (hourly == null) {
            return spans;
        }
        List<BucketSpan> kept = new ArrayList<>();
        for (BucketSpan span : spans) {
            if (!span.granularities().contains(Granularity.HOUR) || !span.from().isBefore(hourly)) {
                kept.add(span);
                continue;
            }
            Set<Granularity> rest = EnumSet.noneOf(Granularity.class);
            rest.addAll(span.granularities());
            rest.remove(Granularity.HOUR);
            if (!rest.isEmpty()) {
                kept.add(new BucketSpan(span.from(), span.to(), rest));
            }
        }
        return kept;
    }

    /** Where the check of ledger rows against their claims starts: claims before {@link #claims} expired. */
    Instant claimsCheckedFrom(Instant from) {
        return claims != null && claims.isAfter(from) ? claims : from;
    }
}
