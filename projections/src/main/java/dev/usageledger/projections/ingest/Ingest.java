package dev.usageledger.projections.ingest;

import dev.usageledger.projections.event.CostAdjustmentRequest;
import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.event.EventCodec;
import dev.usageledger.projections.event.InputBody;
import dev.usageledger.projections.event.InputJson;
import dev.usageledger.projections.event.InputParser;
import dev.usageledger.projections.event.InputParser.Parsed;
import dev.usageledger.projections.event.InputRules;
import dev.usageledger.projections.event.MalformedBodyException;
import dev.usageledger.projections.event.UsageReport;
import dev.usageledger.projections.ingest.IngestResult.Accepted;
import dev.usageledger.projections.ingest.IngestResult.Reason;
import dev.usageledger.projections.ingest.IngestResult.Rejected;
import dev.usageledger.projections.pricing.Pricer;
import dev.usageledger.projections.value.AssessedCost;
import dev.usageledger.projections.value.PricingSource;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The ingest side's one entry point into the core: a request body as it arrived, and who sent it, in; the events to
 * publish out — validated, priced and encoded — or why nothing of the request may be published. What happens to the
 * bytes before (authentication, the body size limit) and to the events after (the Kafka transaction) belongs to the
 * caller.
 *
 * <p>A usage batch (CONTRACT §1) is checked in this order, the first failure answering for the request: the body is
 * one JSON value (else {@link Reason#INVALID} naming the field {@code body}, its events not counted); it holds at most
 * {@link InputRules#maxBatchEvents()} events ({@link Reason#TOO_LARGE}); every rule of every event holds
 * ({@link Reason#INVALID} listing every broken rule). Each event is then stamped with the relay and with
 * {@code receivedAt}, one instant of the clock read once per request, and its cost is frozen: the relay's own figures
 * when it sent them (source {@code relay}, no breakdown), else the catalog's (source {@code catalog}, or
 * {@code unpriced} at 0 for a model the catalog does not know), with the catalog's version either way.
 *
 * <p>Never reads a clock other than the one it is given; thread-safe.
 */
public final class Ingest {

    private final InputJson json = new InputJson();
    private final InputParser parser;
    private final Pricer pricer;
    private final EventCodec codec;
    private final InstantSource clock;

    public Ingest(InputRules rules, Pricer pricer, EventCodec codec, InstantSource clock) {
        this.parser = new InputParser(Objects.requireNonNull(rules, "rules"));
        this.pricer = Objects.requireNonNull(pricer, "pricer");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A {@code POST /v1/usage-events} body from relay {@code relayId}: its {@code usage.recorded} events, in order. */
    public IngestResult usageEvents(byte[] body, String relayId) {
        return unlessMalformed(() -> usageEvents(json.batch(body), relayId));
    }

    /** A {@code POST /v1/cost-adjustments} body (CONTRACT §2) from admin {@code requestedBy}: its one event. */
    public IngestResult costAdjustment(byte[] body, String requestedBy) {
        return unlessMalformed(() -> costAdjustment(json.tree(body), requestedBy));
    }

    private static IngestResult unlessMalformed(Supplier<IngestResult> read) {
        try {
            return read.get();
        } catch (MalformedBodyException e) {
            return Rejected.malformed(e);
        }
    }

    private IngestResult usageEvents(InputBody input, String relayId) {
        int count = input.eventCount();
        int max = parser.rules().maxBatchEvents();
        if (count > max) {
            return new Rejected(Reason.TOO_LARGE, "the batch holds " + count + " events; at most " + max
                    + " are accepted per request", List.of(), count);
        }
        Instant now = clock.instant();
        Parsed<List<UsageReport>> parsed = parser.usageBatch(input, now);
        if (!parsed.valid()) {
            return Rejected.brokenRules("batch", parsed.violations(), count);
        }
        List<UsageReport> reports = parsed.value();
        List<EncodedEvent> events = new ArrayList<>(reports.size());
        for (UsageReport report : reports) {
            events.add(EncodedEvent.of(report.toEvent(relayId, now, cost(report)), codec));
        }
        return new Accepted(Collections.unmodifiableList(events));
    }

    private IngestResult costAdjustment(JsonNode root, String requestedBy) {
        Instant now = clock.instant();
        Parsed<CostAdjustmentRequest> parsed = parser.costAdjustment(root, now);
        if (!parsed.valid()) {
            return Rejected.brokenRules("adjustment", parsed.violations(), 1);
        }
        return new Accepted(List.of(EncodedEvent.of(parsed.value().toEvent(requestedBy, now), codec)));
    }

    /** The cost frozen into the event of {@code report}. */
    AssessedCost cost(UsageReport report) {
        if (report.relayPriced()) {
            return new AssessedCost(report.relayRealUsd(), report.relayRatedUsd(), null, PricingSource.RELAY,
                    pricer.catalog().version());
        }
        return pricer.assess(
                report.apiKeyId(), report.accountType(), report.model(), report.usage(), report.serviceTier());
    }
}
