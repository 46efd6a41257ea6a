package dev.usageledger.relayapi.kafka;

/**
 * Kafka did not commit a request's events within the publish timeout, or refused them. The transaction was aborted
 * or, when the deadline passed while the commit was in flight, its outcome is unknown: the caller answers 503 and the
 * relay retries with the same ids, which is always safe because the consumer counts an id once.
 */
public final class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
