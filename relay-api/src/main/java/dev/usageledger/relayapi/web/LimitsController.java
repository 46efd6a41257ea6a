package dev.usageledger.relayapi.web;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsJson;
import dev.usageledger.projections.event.Violation;
import dev.usageledger.relayapi.limits.Admissions;
import dev.usageledger.relayapi.limits.LimitsUnavailableException;
import dev.usageledger.common.security.BearerTokens;
import dev.usageledger.common.security.Caller;
import dev.usageledger.common.security.TokenKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PUT/GET /v1/keys/{apiKeyId}/limits} (CONTRACT §4), admin token only. PUT replaces the limits (a missing field
 * is 0, 0 is unlimited) and answers them as stored; GET answers {@code {"limits": …, "usage": …}}, all 0 for a key
 * never configured. Either answers 503 while MySQL (or, for GET, Redis) is unavailable.
 */
@RestController
public class LimitsController {

    static final Pattern API_KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final BearerTokens tokens;
    private final RequestBodies bodies;
    private final Admissions admissions;

    public LimitsController(BearerTokens tokens, RequestBodies bodies, Admissions admissions) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.admissions = admissions;
    }

    @Operation(summary = "Replace a key's limits (admin token)", description = "CONTRACT §4: a missing field is 0, "
            + "0 is unlimited, except leaseSeconds: 600 when concurrency is set and it is missing or 0. Answers "
            + "the limits as stored.", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(
                            value = "{\"windowSeconds\":60,\"requestsPerWindow\":100,\"concurrency\":5,"
                            + "\"dailyCostUsd\":\"10\"}"))))
    @ApiResponse(responseCode = "200", description = "the limits as stored, every field present")
    @ApiResponse(responseCode = "400", description = "invalid: each broken rule in violations",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "MySQL is unavailable")
    @PutMapping("/v1/keys/{apiKeyId}/limits")
    public ResponseEntity<?> replace(@PathVariable String apiKeyId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        try {
            Caller admin = admin(authorization);
            requireKeyId(apiKeyId);
            KeyLimitsJson.Parsed parsed = KeyLimitsJson.parse(bodies.parse(bodies.read(request)));
            if (!parsed.valid()) {
                throw Rejection.brokenRules("limits", parsed.violations(), 1);
            }
            admissions.replace(apiKeyId, parsed.limits(), admin.name());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(KeyLimitsJson.write(parsed.limits()));
        } catch (Rejection rejection) {
            return rejection.toResponse();
        } catch (LimitsUnavailableException e) {
            return Rejection.unavailable(e.getMessage(), -1).toResponse();
        }
    }

    @Operation(summary = "A key's limits and current counters (admin token)", description = "CONTRACT §4: "
            + "{\"limits\": {…}, \"usage\": {…}}; a key never configured has all limits 0.")
    @ApiResponse(responseCode = "200", description = "the limits and the counters")
    @ApiResponse(responseCode = "400", description = "invalid: each broken rule in violations",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "MySQL or Redis is unavailable")
    @GetMapping("/v1/keys/{apiKeyId}/limits")
    public ResponseEntity<?> read(@PathVariable String apiKeyId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        try {
            admin(authorization);
            requireKeyId(apiKeyId);
            KeyLimits limits = admissions.limits(apiKeyId);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("limits", KeyLimitsJson.write(limits));
            body.set("usage", KeyLimitsJson.write(admissions.usage(apiKeyId, limits)));
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
        } catch (Rejection rejection) {
            return rejection.toResponse();
        } catch (LimitsUnavailableException e) {
            return Rejection.unavailable(e.getMessage(), -1).toResponse();
        }
    }

    private Caller admin(String authorization) {
        return tokens.authenticate(authorization, TokenKind.ADMIN).orElseThrow(() ->
                Rejection.unauthorized("an admin token is required: Authorization: Bearer <token>"));
    }

    static void requireKeyId(String apiKeyId) {
        if (!API_KEY_ID.matcher(apiKeyId).matches()) {
            throw Rejection.invalid("the API key id is invalid", List.of(new Violation(null, "apiKeyId",
                    "must be 1 to 64 characters of [A-Za-z0-9._:-]")), 1);
        }
    }
}
