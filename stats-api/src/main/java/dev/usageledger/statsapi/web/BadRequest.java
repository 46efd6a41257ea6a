package dev.usageledger.statsapi.web;

import dev.usageledger.statsapi.web.ErrorBody.Violation;
import java.util.List;

/** A request answered with 400: every broken rule, each naming its parameter. Cheap: no stack trace. */
public final class BadRequest extends RuntimeException {

    private final List<Violation> violations;

    BadRequest(List<Violation> violations) {
        super(violations.size() == 1 ? violations.get(0).field() + " " + violations.get(0).message()
                : violations.size() + " parameters are invalid", null, false, false);
        this.violations = List.copyOf(violations);
    }

    static BadRequest of(String field, String message) {
        return new BadRequest(List.of(new Violation(field, message)));
    }

    ErrorBody body() {
        return new ErrorBody("invalid_request", getMessage(), violations);
    }
}
