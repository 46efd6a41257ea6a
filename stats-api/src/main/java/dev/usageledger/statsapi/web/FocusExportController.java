package dev.usageledger.statsapi.web;

import dev.usageledger.common.LedgerSettings;
import dev.usageledger.statsapi.config.FocusProperties;
import dev.usageledger.statsapi.config.ReadLimitsProperties;
import dev.usageledger.statsapi.read.FocusReader;
import dev.usageledger.statsapi.read.Span;
import dev.usageledger.statsapi.read.StatsReader;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/exports/focus?from&to} (analyst or admin token): the ledger's stored costs as a FinOps FOCUS 1.2
 * CSV, one row per day of the reporting zone × key × model and one per cost adjustment, streamed in constant memory.
 * {@code from} and {@code to} are days of the reporting zone ({@code YYYY-MM-DD}, or the instants at which they
 * start), {@code to} exclusive.
 */
@RestController
public class FocusExportController {

    private final FocusReader reader;
    private final StatsReader freshness;
    private final FocusColumns columns;
    private final ZoneId reportingZone;
    private final ReadLimitsProperties limits;

    public FocusExportController(FocusReader reader, StatsReader freshness, FocusProperties names,
            LedgerSettings ledger, ReadLimitsProperties limits) {
        this.reader = reader;
        this.freshness = freshness;
        this.reportingZone = ledger.reporting().zoneId();
        this.columns = new FocusColumns(names, reportingZone);
        this.limits = limits;
    }

    @GetMapping("/v1/exports/focus")
    public void focus(@RequestParam Map<String, String> query, HttpServletResponse response) throws IOException {
        Params params = new Params(query);
        Instant[] range = params.range(reportingZone);
        params.check();
        LocalDate first = dayStarting(params, "from", range[0]);
        LocalDate end = dayStarting(params, "to", range[1]);
        params.check();
        List<Span> days = new ArrayList<>();
        for (LocalDate day = first; day.isBefore(end); day = day.plusDays(1)) {
            if (days.size() == limits.maxBuckets()) {
                throw BadRequest.of("to", "is more than " + limits.maxBuckets() + " days after from");
            }
            days.add(new Span(start(day), start(day.plusDays(1))));
        }
        Csv.stream(response, freshness.projectedAt(), FocusColumns.HEADER, out -> reader.export(days,
                new FocusReader.Sink() {
                    @Override
                    public void usage(FocusReader.UsageRow row) throws IOException {
                        out.row(columns.usage(row));
                    }

                    @Override
                    public void adjustment(FocusReader.AdjustmentRow row) throws IOException {
                        out.row(columns.adjustment(row));
                    }
                }));
    }

    /** The reporting-zone day that starts at {@code instant}, or a violation: the export's rows are whole days. */
    private LocalDate dayStarting(Params params, String field, Instant instant) {
        LocalDate day = LocalDate.ofInstant(instant, reportingZone);
        if (!start(day).equals(instant)) {
            params.reject(field, "must be the start of a day of the reporting zone " + reportingZone.getId()
                    + " (a date YYYY-MM-DD): the export has one row per day");
        }
        return day;
    }

    private Instant start(LocalDate day) {
        return day.atStartOfDay(reportingZone).toInstant();
    }
}
