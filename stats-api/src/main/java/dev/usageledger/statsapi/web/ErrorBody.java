package dev.usageledger.statsapi.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every non-2xx answer: {@code {"error": "...", "message": "...", "violations": [{"field", "message"}]}}, violations
 * only for 400, each naming the query parameter it is about (CONTRACT §5, shaped as in §1).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, List<Violation> violations) {

    /** One broken rule of one query parameter. */
    public record Violation(String field, String message) {}
}
