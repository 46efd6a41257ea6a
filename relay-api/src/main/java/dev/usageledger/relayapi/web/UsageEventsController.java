package dev.usageledger.relayapi.web;

import dev.usageledger.projections.event.InputBody;
import dev.usageledger.projections.event.InputParser;
import dev.usageledger.projections.event.InputParser.Parsed;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.event.UsageReport;
import dev.usageledger.relayapi.config.IngestProperties;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.IngestMetrics.Endpoint;
import dev.usageledger.relayapi.ingest.Outcome;
import dev.usageledger.relayapi.ingest.UsageEvents;
import dev.usageledger.relayapi.kafka.EventPublisher;
import dev.usageledger.relayapi.kafka.PublishFailedException;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.Caller;
import dev.usageledger.common.security.TokenKind;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/usage-events} (CONTRACT §1): relay token → body within 1 MiB → at most 1000 events → every rule of
 * every event → price → one Kafka transaction → {@code 202 {"accepted": N}}. Each step answers for itself in that
 * order (401, 413, 400, 503), and nothing of a rejected batch is published.
 */
@RestController
public class UsageEventsController {

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final InputParser parser;
    private final UsageEvents usageEvents;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final int maxEvents;

    public UsageEventsController(BearerTokens tokens, RequestBodies bodies, InputParser parser, UsageEvents usageEvents,
            EventPublisher publisher, IngestMetrics metrics, Clock clock, IngestProperties ingest) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.parser = parser;
        this.usageEvents = usageEvents;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.maxEvents = ingest.maxEvents();
    }

    @PostMapping("/v1/usage-events")
    public ResponseEntity<?> ingest(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        try {
            Caller relay = tokens.authenticate(authorization, TokenKind.RELAY).orElseThrow(() ->
                    Rejection.unauthorized("a relay token is required: Authorization: Bearer <token>"));
            InputBody body = bodies.parseBatch(bodies.read(request));
            int count = body.eventCount();
            if (count > maxEvents) {
                throw Rejection.tooLarge("the batch holds " + count + " events; at most " + maxEvents
                        + " are accepted per request", count);
            }
            Instant now = clock.instant();
            Parsed<List<UsageReport>> parsed = parser.usageBatch(body, now);
            if (!parsed.valid()) {
                throw Rejection.brokenRules("batch", parsed.violations(), count);
            }
            List<UsageRecorded> events = usageEvents.record(parsed.value(), relay.name(), now);
            try {
                publisher.publish(events);
            } catch (PublishFailedException e) {
                throw Rejection.unavailable(e.getMessage() + "; nothing of the batch was accepted, retry it with the"
                        + " same request ids", events.size());
            }
            metrics.request(Endpoint.USAGE_EVENTS, Outcome.ACCEPTED, events.size());
            return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                    .body(new Accepted(events.size()));
        } catch (Rejection rejection) {
            metrics.request(Endpoint.USAGE_EVENTS, rejection.outcome(), rejection.events());
            return rejection.toResponse();
        }
    }
}
