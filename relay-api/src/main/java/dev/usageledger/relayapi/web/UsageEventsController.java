package dev.usageledger.relayapi.web;

import dev.usageledger.projections.ingest.Ingest;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.IngestMetrics.Endpoint;
import dev.usageledger.relayapi.kafka.EventPublisher;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.Caller;
import dev.usageledger.common.security.TokenKind;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/usage-events} (CONTRACT §1): relay token → body within 1 MiB → {@link Ingest#usageEvents} (at most
 * 1000 events, every rule of every event, priced) → one Kafka transaction → {@code 202 {"accepted": N}}. Each step
 * answers for itself in that order (401, 413, 400 or 413, 503), and nothing of a rejected batch is published.
 */
@RestController
public class UsageEventsController {

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final Ingest ingest;
    private final Publication publication;

    public UsageEventsController(BearerTokens tokens, RequestBodies bodies, Ingest ingest, EventPublisher publisher,
            IngestMetrics metrics) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.ingest = ingest;
        this.publication = new Publication(publisher, metrics);
    }

    @PostMapping("/v1/usage-events")
    public ResponseEntity<?> ingest(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        return publication.answer(Endpoint.USAGE_EVENTS, () -> {
            Caller relay = tokens.authenticate(authorization, TokenKind.RELAY).orElseThrow(() ->
                    Rejection.unauthorized("a relay token is required: Authorization: Bearer <token>"));
            return ingest.usageEvents(bodies.read(request), relay.name());
        }, "; nothing of the batch was accepted, retry it with the same request ids");
    }
}
