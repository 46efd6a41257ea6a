package dev.usageledger.statsapi.crs;

/**
 * A CRS-compatible request answered with an error: {@code {"error", "message"}} and a 4xx status, as CRS answers
 * (CONTRACT §6). Cheap: no stack trace.
 */
final class CrsError extends RuntimeException {

    private final int status;
    private final String error;

    private CrsError(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    /** A 400 naming the parameter and what it must be. */
    static CrsError invalid(String parameter, String message) {
        return new CrsError(400, "invalid_request", parameter + " " + message);
    }

    /** A 413: the body is larger than any valid request (status precedence, CONTRACT §0: before any 400). */
    static CrsError tooLarge(String message) {
        return new CrsError(413, "payload_too_large", message);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
