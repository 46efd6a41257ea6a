package dev.usageledger.relayapi.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.usageledger.projections.event.Violation;
import java.util.List;

/**
 * Every non-2xx answer of the API: {@code {"error": "...", "message": "...", "violations": [...]}}; violations only
 * for 400 (CONTRACT §1).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, List<ViolationView> violations) {

    /** One broken rule; {@code index} is the event's position in the batch, {@code null} for the request as a whole. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ViolationView(Integer index, String field, String message) {

        static ViolationView of(Violation v) {
            return new ViolationView(v.index(), v.field(), v.message());
        }
    }
}
