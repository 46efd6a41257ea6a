package dev.usageledger.projections.ingest;

import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.event.MalformedBodyException;
import dev.usageledger.projections.event.Violation;
import java.util.List;
import java.util.Objects;

/** What {@link Ingest} makes of one request: every event to publish, or why nothing of it is published. */
public sealed interface IngestResult {

    /** Every event of the request, validated, priced and encoded, in request order: published all together or none. */
    record Accepted(List<EncodedEvent> events) implements IngestResult {

        public Accepted {
            Objects.requireNonNull(events, "events");
        }
    }

    /**
     * The request is refused and nothing of it is published.
     *
     * @param reason     {@link Reason#INVALID} (answered 400) or {@link Reason#TOO_LARGE} (413)
     * @param message    the answer's message
     * @param violations every broken rule, with its index, field and message; empty for {@link Reason#TOO_LARGE}
     * @param events     the events in the request, -1 when they were never counted (a body that is not JSON)
     */
    record Rejected(Reason reason, String message, List<Violation> violations, int events) implements IngestResult {

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            violations = List.copyOf(violations);
        }

        /** {@link Reason#INVALID} for {@code subject} ("batch", "adjustment", …), naming how many rules are broken. */
        public static Rejected brokenRules(String subject, List<Violation> violations, int events) {
            int n = violations.size();
            return new Rejected(Reason.INVALID, "the " + subject + " was rejected and nothing of it was accepted: " + n
                    + (n == 1 ? " rule is" : " rules are") + " broken", violations, events);
        }

        /** {@link Reason#INVALID} for a body that is not JSON, its events never counted. */
        public static Rejected malformed(MalformedBodyException e) {
            return new Rejected(Reason.INVALID, e.getMessage(), e.violations(), -1);
        }
    }

    /** Why a request is refused. */
    enum Reason {
        /** Not JSON, or a rule of CONTRACT §1/§2 is broken. */
        INVALID,
        /** More events than one request may hold. */
        TOO_LARGE
    }
}
