package dev.usageledger.projections.event;

/**
 * A message on the topic that is not a valid event of a known type and schema version: a poison
 * message. Never retried; it goes to the dead-letter topic with {@link #getMessage()} as the reason.
 */
public final class EventDecodingException extends RuntimeException {

    public EventDecodingException(String reason) {
        super(reason);
    }

    public EventDecodingException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
