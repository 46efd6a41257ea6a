package dev.usageledger.projections.mysql;

/** A projection transaction failed; the cause says why (see {@code RetryClassifier}). */
public final class ProjectionException extends RuntimeException {

    public ProjectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
