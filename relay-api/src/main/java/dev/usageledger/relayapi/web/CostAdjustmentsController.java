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
 * {@code POST /v1/cost-adjustments} (CONTRACT §2), admin token only. The event is published as is; the consumer
 * counts an {@code adjustmentId} once, so posting the same adjustment again is harmless and answers 202 again.
 */
@RestController
public class CostAdjustmentsController {

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final Ingest ingest;
    private final Publication publication;

    public CostAdjustmentsController(BearerTokens tokens, RequestBodies bodies, Ingest ingest,
            EventPublisher publisher, IngestMetrics metrics) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.ingest = ingest;
        this.publication = new Publication(publisher, metrics);
    }

    @PostMapping("/v1/cost-adjustments")
    public ResponseEntity<?> adjust(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        return publication.answer(Endpoint.COST_ADJUSTMENTS, () -> {
            Caller admin = tokens.authenticate(authorization, TokenKind.ADMIN).orElseThrow(() ->
                    Rejection.unauthorized("an admin token is required: Authorization: Bearer <token>"));
            return ingest.costAdjustment(bodies.read(request), admin.name());
        }, "; retry with the same adjustmentId");
    }
}
