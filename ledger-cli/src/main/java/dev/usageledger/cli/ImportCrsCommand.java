package dev.usageledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.usageledger.cli.crs.BaselineImports;
import dev.usageledger.cli.crs.CrsImport;
import dev.usageledger.cli.crs.CrsOffset;
import dev.usageledger.cli.crs.CrsSource;
import dev.usageledger.cli.crs.ReportLine;
import dev.usageledger.limits.RedisClients;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

/**
 * {@code ledger import-crs}: Claude Relay Service's Redis usage history up to a cutoff, written into the baseline
 * tables ({@link CrsImport}), then verified against MySQL read back; {@code --remove} deletes one import whole.
 * Exit 0 when the report holds no unexplained difference, 1 when it does (or the import to remove does not exist),
 * 2 for a usage error (a cutoff that is not a past hour boundary), 3 for a failure (Redis or the database).
 */
@Command(name = "import-crs", mixinStandardHelpOptions = true,
        description = "Import Claude Relay Service's Redis usage up to a cutoff as a baseline, verify it "
                + "(docs/crs-import.md); or remove one import.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:imported (or removed); no unexplained difference",
                "1:an unexplained difference in the report, or no such import to remove",
                "2:usage error (a cutoff off the hour or in the future, a bad offset, URI or id)",
                "3:failure (Redis or the database)"})
final class ImportCrsCommand implements Callable<Integer> {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--redis-uri", paramLabel = "URI", defaultValue = "${env:CRS_REDIS_URI}",
            description = "CRS's Redis, redis://[user:password@]host:port[/db] (env CRS_REDIS_URI, preferred: an "
                    + "option shows in ps)")
    String redisUri;

    @Option(names = "--key-prefix", paramLabel = "P", defaultValue = "",
            description = "what stands before CRS's key names in this Redis (default: none)")
    String keyPrefix;

    @Option(names = "--timezone-offset", paramLabel = "HOURS", defaultValue = "+8",
            description = "CRS's TIMEZONE_OFFSET, whole hours (default: ${DEFAULT-VALUE}, CRS's default)")
    String timezoneOffset;

    @Option(names = "--cutoff", paramLabel = "INSTANT",
            description = "RFC 3339 instant on an hour boundary, in the past: buckets that end at or before it are "
                    + "imported")
    String cutoff;

    @Option(names = "--import-id", paramLabel = "ID",
            description = "the import's id (default: derived from the URI without password, prefix, offset, cutoff)")
    String importId;

    @Option(names = "--dry-run", description = "print the rows that would be written; write nothing")
    boolean dryRun;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "write the verification report there as Markdown and CSV")
    Path reportDir;

    @Option(names = "--remove", paramLabel = "IMPORT_ID", description = "delete this import's baseline, nothing else")
    String remove;

    @Override
    public Integer call() throws SQLException {
        CommandLine cl = spec.commandLine();
        if (remove != null) {
            if (cutoff != null || dryRun) {
                throw new CommandLine.ParameterException(cl, "--remove takes no --cutoff or --dry-run");
            }
            return remove(cl);
        }
        CrsSource source = source(cl, Clock.systemUTC().instant());
        String id = importId != null ? importId : source.derivedId();
        if (!ID.matcher(id).matches()) {
            throw new CommandLine.ParameterException(cl, "--import-id: 1-64 characters of [A-Za-z0-9._:-]: " + id);
        }
        Clock clock = Clock.systemUTC();
        try (RedisClient redis = RedisClients.create(URI.create(redisUri), Duration.ofSeconds(30), 2,
                "ledger-import-crs")) {
            if (dryRun) {
                cl.getOut().println(CrsImport.DRY_RUN_HEADER);
                new CrsImport(redis, null, source, id, clock).dryRun(cl.getOut()::println, cl.getErr());
                return ExitCodes.OK;
            }
            try (HikariDataSource dataSource = database.open(true)) {
                BaselineImports imports = new BaselineImports(dataSource);
                var recorded = imports.find(id);
                if (recorded.isPresent() && !recorded.get().equals(source.recorded())) {
                    throw new CommandLine.ParameterException(cl, "--import-id " + id
                            + ": another import has this id: " + recorded.get());
                }
                List<String> others = imports.others(id);
                if (!others.isEmpty()) {
                    cl.getErr().println("import-crs: warning: other imports exist (" + String.join(", ", others)
                            + "); readers add every import: remove the ones this one replaces");
                }
                cl.getOut().println(ReportLine.HEADER);
                CrsImport.Result result = new CrsImport(redis, dataSource, source, id, clock)
                        .run(line -> cl.getOut().println(line.tsv()), reportDir, cl.getErr());
                return result.unexplained() > 0 ? ExitCodes.DIFFERENCES : ExitCodes.OK;
            }
        }
    }

    private int remove(CommandLine cl) throws SQLException {
        try (HikariDataSource dataSource = database.open()) {
            BaselineImports imports = new BaselineImports(dataSource);
            if (imports.find(remove).isEmpty()) {
                cl.getErr().println("import-crs: no import " + remove);
                return ExitCodes.DIFFERENCES;
            }
            long rows = imports.remove(remove);
            cl.getErr().printf("import-crs: removed import %s, %d rows%n", remove, rows);
            return ExitCodes.OK;
        }
    }

    private CrsSource source(CommandLine cl, Instant now) {
        if (redisUri == null || redisUri.isBlank()) {
            throw new CommandLine.ParameterException(cl, "--redis-uri (or CRS_REDIS_URI) is required");
        }
        if (cutoff == null) {
            throw new CommandLine.ParameterException(cl, "--cutoff is required");
        }
        URI uri;
        try {
            uri = URI.create(redisUri);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--redis-uri: not a URI");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new CommandLine.ParameterException(cl, "--redis-uri: redis:// or rediss:// expected");
        }
        CrsOffset offset;
        try {
            offset = CrsOffset.parse(timezoneOffset);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--timezone-offset: " + e.getMessage());
        }
        Instant end;
        try {
            end = OffsetDateTime.parse(cutoff).toInstant();
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(cl, "--cutoff: not an RFC 3339 instant: " + cutoff);
        }
        if (!end.truncatedTo(ChronoUnit.HOURS).equals(end)) {
            throw new CommandLine.ParameterException(cl, "--cutoff: not on an hour boundary: " + cutoff);
        }
        if (end.isAfter(now)) {
            throw new CommandLine.ParameterException(cl, "--cutoff: in the future (its buckets are still open): "
                    + cutoff);
        }
        if (keyPrefix.length() > 128) {
            throw new CommandLine.ParameterException(cl, "--key-prefix: at most 128 characters");
        }
        return new CrsSource(uri, keyPrefix, offset, end);
    }
}
