package dev.usageledger.relayapi.web;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.CostAdjustmentRequest;
import dev.usageledger.projections.event.InputParser;
import dev.usageledger.projections.event.InputParser.Parsed;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.IngestMetrics.Endpoint;
import dev.usageledger.relayapi.ingest.Outcome;
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
 * {@code POST /v1/cost-adjustments} (CONTRACT §2), admin token only. The event is published as is; the consumer
 * counts an {@code adjustmentId} once, so posting the same adjustment again is harmless and answers 202 again.
 */
@RestController
public class CostAdjustmentsController {

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final InputParser parser;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final Clock clock;

    public CostAdjustmentsController(BearerTokens tokens, RequestBodies bodies, InputParser parser,
            EventPublisher publisher, IngestMetrics metrics, Clock clock) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.parser = parser;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    @PostMapping("/v1/cost-adjustments")
    public ResponseEntity<?> adjust(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        try {
            Caller admin = tokens.authenticate(authorization, TokenKind.ADMIN).orElseThrow(() ->
                    Rejection.unauthorized("an admin token is required: Authorization: Bearer <token>"));
            var root = bodies.parse(bodies.read(request));
            Instant now = clock.instant();
            Parsed<CostAdjustmentRequest> parsed = parser.costAdjustment(root, now);
            if (!parsed.valid()) {
                throw Rejection.brokenRules("adjustment", parsed.violations(), 1);
            }
            CostAdjusted event = parsed.value().toEvent(admin.name(), now);
            try {
                publisher.publish(List.of(event));
            } catch (PublishFailedException e) {
                throw Rejection.unavailable(e.getMessage() + "; retry with the same adjustmentId", 1);
            }
            metrics.request(Endpoint.COST_ADJUSTMENTS, Outcome.ACCEPTED, 1);
            return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                    .body(new Accepted(1));
        } catch (Rejection rejection) {
            metrics.request(Endpoint.COST_ADJUSTMENTS, rejection.outcome(), rejection.events());
            return rejection.toResponse();
        }
    }
}
