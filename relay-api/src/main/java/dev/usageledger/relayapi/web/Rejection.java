package dev.usageledger.relayapi.web;

import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.event.Violation;
import dev.usageledger.projections.ingest.IngestResult;
import dev.usageledger.relayapi.ingest.Outcome;
import dev.usageledger.relayapi.web.ErrorBody.ViolationView;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * A request that is answered with an error, thrown where the reason is found and turned into the answer in one place
 * ({@link #toResponse()}). Cheap: no stack trace.
 */
public final class Rejection extends RuntimeException {

    private final HttpStatus status;
    private final String error;
    private final List<Violation> violations;
    private final Outcome outcome;
    private final int events;

    private Rejection(HttpStatus status, String error, String message, List<Violation> violations, Outcome outcome,
            int events) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.violations = violations;
        this.outcome = outcome;
        this.events = events;
    }

    /** 401: no token, a malformed header, an unknown token, or a token of the other kind. */
    public static Rejection unauthorized(String message) {
        return new Rejection(HttpStatus.UNAUTHORIZED, "unauthorized", message, null, Outcome.UNAUTHORIZED, -1);
    }

    /** 413: the body or the batch is over its limit; {@code events} is the batch size when known, else -1. */
    public static Rejection tooLarge(String message, int events) {
        return new Rejection(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", message, null, Outcome.TOO_LARGE,
                events);
    }

    /** 400 with the broken rules; nothing of the request is published. */
    public static Rejection invalid(String message, List<Violation> violations, int events) {
        return new Rejection(HttpStatus.BAD_REQUEST, "invalid_request", message, List.copyOf(violations),
                Outcome.INVALID, events);
    }

    /** 400 for {@code subject} ("admission", "limits") with every broken rule. */
    public static Rejection brokenRules(String subject, List<Violation> violations, int events) {
        return of(IngestResult.Rejected.brokenRules(subject, violations, events));
    }

    /** 400 or 413 for a request the core refused. */
    public static Rejection of(IngestResult.Rejected refused) {
        return switch (refused.reason()) {
            case INVALID -> invalid(refused.message(), refused.violations(), refused.events());
            case TOO_LARGE -> tooLarge(refused.message(), refused.events());
        };
    }

    /** The events of an accepted result; throws the rejection of a refused one. */
    public static List<EncodedEvent> unlessRefused(IngestResult result) {
        if (result instanceof IngestResult.Rejected refused) {
            throw of(refused);
        }
        return ((IngestResult.Accepted) result).events();
    }

    /** 503: Kafka did not commit the events in time; a retry with the same ids is always safe. */
    public static Rejection unavailable(String message, int events) {
        return new Rejection(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", message, null, Outcome.UNAVAILABLE,
                events);
    }

    public HttpStatus status() {
        return status;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Events in the rejected request, -1 when they were never counted (401, body over the limit, not JSON). */
    public int events() {
        return events;
    }

    public List<Violation> violations() {
        return violations == null ? List.of() : violations;
    }

    public ResponseEntity<ErrorBody> toResponse() {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        } else if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            answer.header(HttpHeaders.RETRY_AFTER, "1");
        }
        List<ViolationView> views = violations == null ? null
                : violations.stream().map(ViolationView::of).toList();
        return answer.body(new ErrorBody(error, getMessage(), views));
    }
}
