package dev.usageledger.relayapi.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.usageledger.limits.Admission;
import dev.usageledger.projections.event.Violation;
import dev.usageledger.relayapi.limits.Admissions;
import dev.usageledger.relayapi.limits.LimitsUnavailableException;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.TokenKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admission before an upstream call (CONTRACT §4), relay token only:
 * {@code POST /v1/admissions} → 200 allowed (with a lease when the key has a concurrency limit), 402 for a cost quota,
 * 429 with {@code Retry-After} (whole seconds, rounded up) for a window or concurrency;
 * {@code POST /v1/admissions/{leaseId}/renew} → 200 with the new expiry, 404 when the lease expired;
 * {@code DELETE /v1/admissions/{leaseId}} → 204, also when already released or expired.
 * While Redis or MySQL cannot decide, admission follows {@code ledger.limits.failure-policy}; renew and release
 * answer 503.
 */
@RestController
public class AdmissionsController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1,256}");
    private static final DateTimeFormatter RFC3339_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final Admissions admissions;

    public AdmissionsController(BearerTokens tokens, RequestBodies bodies, Admissions admissions) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.admissions = admissions;
    }

    /** {@code 200} body; {@code leaseId} and {@code leaseExpiresAt} are null without a lease. */
    public record Allowed(boolean allowed, String leaseId, String leaseExpiresAt) {}

    /** {@code 402}/{@code 429} body; {@code retryAfterMs} only for 429. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Denied(boolean allowed, String reason, Long retryAfterMs) {}

    /** {@code 200} body of a renewal. */
    public record Renewed(String leaseId, String leaseExpiresAt) {}

    @Operation(summary = "Ask before an upstream call (relay token)", description = "CONTRACT §4: quotas first "
            + "(402), then windows and concurrency (429 with Retry-After); a lease when the key has a concurrency "
            + "limit. While Redis or MySQL cannot decide: ledger.limits.failure-policy (open: 200 without a lease; "
            + "closed: 503).", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value =
                            "{\"apiKeyId\":\"key_7f3a\",\"requestId\":\"req_01JD8X4Q7Z\",\"model\":"
                                    + "\"claude-sonnet-4-5-20250929\"}"))))
    @ApiResponse(responseCode = "200", description = "allowed",
            content = @Content(schema = @Schema(implementation = Allowed.class)))
    @ApiResponse(responseCode = "402", description = "a cost quota is spent: waiting does not help",
            content = @Content(schema = @Schema(implementation = Denied.class)))
    @ApiResponse(responseCode = "429", description = "a window or the concurrency limit is full; Retry-After",
            content = @Content(schema = @Schema(implementation = Denied.class)))
    @ApiResponse(responseCode = "400", description = "invalid: each broken rule in violations",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "cannot be decided and the failure policy is closed")
    @PostMapping("/v1/admissions")
    public ResponseEntity<?> admit(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        try {
            relay(authorization);
            JsonNode body = bodies.parse(bodies.read(request));
            List<Violation> violations = new ArrayList<>();
            String apiKeyId = string(body, "apiKeyId", true, 64, ID, violations);
            String requestId = string(body, "requestId", true, 128, ID, violations);
            string(body, "model", false, 256, PRINTABLE, violations);
            if (!violations.isEmpty()) {
                throw Rejection.brokenRules("admission", violations, 1);
            }
            Admission a = admissions.admit(apiKeyId, requestId);
            if (a.allowed()) {
                return json(HttpStatus.OK).body(new Allowed(true, a.leaseId(),
                        a.leaseExpiresAt() == null ? null : format(a.leaseExpiresAt())));
            }
            if (a.reason().quota()) {
                return json(HttpStatus.PAYMENT_REQUIRED).body(new Denied(false, a.reason().wire(), null));
            }
            long seconds = Math.max(1, (a.retryAfterMs() + 999) / 1000);
            return json(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                    .body(new Denied(false, a.reason().wire(), a.retryAfterMs()));
        } catch (Rejection rejection) {
            return rejection.toResponse();
        } catch (LimitsUnavailableException e) {
            return Rejection.unavailable("admission cannot be decided: " + e.getMessage(), -1).toResponse();
        }
    }

    @Operation(summary = "Extend a lease by leaseSeconds from now (relay token)")
    @ApiResponse(responseCode = "200", description = "the new expiry",
            content = @Content(schema = @Schema(implementation = Renewed.class)))
    @ApiResponse(responseCode = "404", description = "the lease is unknown, released or expired")
    @ApiResponse(responseCode = "503", description = "Redis is unavailable")
    @PostMapping("/v1/admissions/{leaseId}/renew")
    public ResponseEntity<?> renew(@PathVariable String leaseId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        try {
            relay(authorization);
            Optional<Instant> expires = admissions.renew(leaseId);
            if (expires.isEmpty()) {
                return json(HttpStatus.NOT_FOUND).body(new ErrorBody("not_found",
                        "the lease is unknown, released or expired; ask for a new admission", null));
            }
            return json(HttpStatus.OK).body(new Renewed(leaseId, format(expires.get())));
        } catch (Rejection rejection) {
            return rejection.toResponse();
        } catch (LimitsUnavailableException e) {
            return Rejection.unavailable(e.getMessage(), -1).toResponse();
        }
    }

    @Operation(summary = "Release a lease (relay token)")
    @ApiResponse(responseCode = "204", description = "released, also when already released or expired")
    @ApiResponse(responseCode = "503", description = "Redis is unavailable")
    @DeleteMapping("/v1/admissions/{leaseId}")
    public ResponseEntity<?> release(@PathVariable String leaseId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        try {
            relay(authorization);
            admissions.release(leaseId);
            return ResponseEntity.noContent().build();
        } catch (Rejection rejection) {
            return rejection.toResponse();
        } catch (LimitsUnavailableException e) {
            return Rejection.unavailable(e.getMessage(), -1).toResponse();
        }
    }

    private void relay(String authorization) {
        tokens.authenticate(authorization, TokenKind.RELAY).orElseThrow(() ->
                Rejection.unauthorized("a relay token is required: Authorization: Bearer <token>"));
    }

    private static ResponseEntity.BodyBuilder json(HttpStatus status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
    }

    static String format(Instant at) {
        return RFC3339_MILLIS.format(at);
    }

    private static String string(JsonNode body, String field, boolean required, int maxLength, Pattern pattern,
            List<Violation> violations) {
        if (!body.isObject()) {
            if (violations.isEmpty()) {
                violations.add(new Violation(null, "body", "must be a JSON object"));
            }
            return null;
        }
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                violations.add(new Violation(null, field, "is required"));
            }
            return null;
        }
        if (!v.isString() || v.stringValue().isEmpty() || v.stringValue().length() > maxLength
                || !pattern.matcher(v.stringValue()).matches()) {
            violations.add(new Violation(null, field, "must be a string of 1 to " + maxLength + " characters of "
                    + (pattern == ID ? "[A-Za-z0-9._:-]" : "printable ASCII")));
            return null;
        }
        return v.stringValue();
    }
}
