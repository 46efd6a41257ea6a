package dev.usageledger.statsapi.web;

import dev.usageledger.limits.KeyLimits;
import dev.usageledger.limits.KeyLimitsJson;
import dev.usageledger.limits.KeyLimitsStore;
import dev.usageledger.statsapi.read.ReadFailedException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.sql.SQLException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/keys/{apiKeyId}/limits} on stats-api (docs/api.md): a key's limits as stored in {@code key_limits},
 * in the JSON form of CONTRACT §4, for readers (analyst or admin token). Never the live counters: those are
 * relay-api's, on Redis. A key without a stored row answers 404 (relay-api's admin read shows it as all 0).
 */
@RestController
public class StoredLimitsController {

    private final KeyLimitsStore store;

    public StoredLimitsController(KeyLimitsStore store) {
        this.store = store;
    }

    @Operation(summary = "A key's stored limits", description = "The row of key_limits as {\"apiKeyId\", "
            + "\"limits\": {…CONTRACT §4…}}; the live counters are relay-api's (GET /v1/keys/{apiKeyId}/limits there, "
            + "admin token).")
    @ApiResponse(responseCode = "200", description = "the limits as stored, every field present")
    @ApiResponse(responseCode = "404", description = "no limits are stored for the key: it is unlimited",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "MySQL is unavailable")
    @GetMapping("/v1/keys/{apiKeyId}/limits")
    public ResponseEntity<?> limits(@PathVariable String apiKeyId) {
        Optional<KeyLimits> stored;
        try {
            stored = store.find(apiKeyId);
        } catch (SQLException e) {
            throw new ReadFailedException("reading key_limits", e);
        }
        if (stored.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .body(new ErrorBody("not_found", "no limits are stored for API key " + apiKeyId
                            + ": it has no limit", null));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("apiKeyId", apiKeyId);
        body.set("limits", KeyLimitsJson.write(stored.get()));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
