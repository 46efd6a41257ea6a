package dev.usageledger.statsapi.read;

/** MySQL could not answer a read (down, unreachable, timed out); the request may be retried. */
public final class ReadFailedException extends RuntimeException {

    public ReadFailedException(String what, Throwable cause) {
        super(what + " failed: " + cause.getMessage(), cause);
    }
}
