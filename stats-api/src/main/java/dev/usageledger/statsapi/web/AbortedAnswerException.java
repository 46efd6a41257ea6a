package dev.usageledger.statsapi.web;

/**
 * A streamed answer failed after its first bytes reached the client. Deliberately answered by no handler: the servlet
 * container closes the connection at once when an exception escapes a committed response, which is the only way left
 * to tell the client that what it received is incomplete. The failure travels as a suppressed exception, not as the
 * cause: Spring matches exception handlers against the cause too, and one of them would answer (and end the transfer
 * cleanly).
 */
final class AbortedAnswerException extends RuntimeException {

    AbortedAnswerException(Exception failure) {
        super("the answer failed after it was committed (" + failure.getMessage() + "): closing the connection");
        addSuppressed(failure);
    }
}
