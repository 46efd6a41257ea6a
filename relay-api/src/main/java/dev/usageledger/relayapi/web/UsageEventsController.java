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

    @Operation(summary = "Record usage events (relay token)", description = "CONTRACT §1: 1 to 1000 events, at most "
            + "1 MiB. Accepted only once Kafka acknowledged every event; a resend of an accepted requestId is "
            + "accepted and counted once.", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(
                            value = "{\"events\":[{\"requestId\":\"req_01JD8X4Q7Z\",\"occurredAt\":"
                                    + "\"2026-11-22T10:15:30.123Z\",\"apiKeyId\":\"key_7f3a\",\"model\":"
                                    + "\"claude-sonnet-4-5-20250929\",\"usage\":{\"inputTokens\":1200,"
                                    + "\"outputTokens\":350}}]}"))))
    @ApiResponse(responseCode = "202", description = "every event is on the topic",
            content = @Content(schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "400", description = "invalid: each broken rule in violations",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "413", description = "over 1 MiB or 1000 events")
    @ApiResponse(responseCode = "503", description = "Kafka did not acknowledge in time: retry with the same ids")
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
