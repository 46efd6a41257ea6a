package dev.usageledger.stack;

/**
 * A child process did not become ready: it exited, or its ready marker or port did not show up
 * in time. The message carries the tail of the child's log.
 */
public class ProcessNotReadyException extends RuntimeException {

    public ProcessNotReadyException(String message) {
        super(message);
    }
}
