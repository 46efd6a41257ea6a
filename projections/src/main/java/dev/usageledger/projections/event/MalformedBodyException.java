package dev.usageledger.projections.event;

import java.util.List;

/**
 * A request body that is not one JSON value read strictly ({@link InputJson}): empty, malformed, with a duplicate key
 * or trailing content. Answered with a 400 naming the field {@code body}. Cheap: no stack trace.
 */
public final class MalformedBodyException extends RuntimeException {

    private final String problem;

    /** @param problem what is wrong, completing "the body …", e.g. {@code is empty} */
    public MalformedBodyException(String problem) {
        super("the body " + problem, null, false, false);
        this.problem = problem;
    }

    /** The one violation: field {@code body}, no index, the problem as its message. */
    public List<Violation> violations() {
        return List.of(new Violation(null, "body", problem));
    }
}
