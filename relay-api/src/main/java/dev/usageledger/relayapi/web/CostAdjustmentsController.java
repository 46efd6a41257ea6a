package dev.usageledger.relayapi.web;

import dev.usageledger.projections.ingest.Ingest;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.IngestMetrics.Endpoint;
import dev.usageledger.relayapi.kafka.EventPublisher;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.Caller;
import dev.usageledger.common.security.TokenKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

    @Operation(summary = "Record a cost adjustment (admin token)", description = "CONTRACT §2: a signed correction "
            + "of cost, never of tokens; adjustmentId is the idempotency key. Optional requestId (an addition to "
            + "§2, the requestId rule): the request the adjustment corrects.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json", examples = @ExampleObject(value = "{\"adjustmentId\":"
                            + "\"adj_2026_11_credit_7\",\"apiKeyId\":\"key_7f3a\",\"occurredAt\":"
                            + "\"2026-11-22T00:00:00Z\",\"realUsd\":\"-1.25\",\"ratedUsd\":\"-1.50\","
                            + "\"reason\":\"credit for outage\"}"))))
    @ApiResponse(responseCode = "202", description = "the adjustment is on the topic",
            content = @Content(schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "400", description = "invalid: each broken rule in violations",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "Kafka did not acknowledge in time: retry with the same id")
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
