package dev.usageledger.relayapi.web;

import dev.usageledger.projections.event.EncodedEvent;
import dev.usageledger.projections.ingest.IngestResult;
import dev.usageledger.relayapi.ingest.IngestMetrics;
import dev.usageledger.relayapi.ingest.IngestMetrics.Endpoint;
import dev.usageledger.relayapi.ingest.Outcome;
import dev.usageledger.relayapi.kafka.EventPublisher;
import dev.usageledger.relayapi.kafka.PublishFailedException;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * How an ingest endpoint answers once it knows what the core made of the request: the accepted events in one Kafka
 * transaction, then {@code 202 {"accepted": N}}; a refused request or a failed publish answered by its
 * {@link Rejection} (400, 401, 413, 503), nothing of it published. Every request is counted by endpoint and outcome.
 */
final class Publication {

    private final EventPublisher publisher;
    private final IngestMetrics metrics;

    Publication(EventPublisher publisher, IngestMetrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * @param ingest   authenticates the caller, reads the body and hands it to the core; throws a {@link Rejection}
     *                 for what it refuses itself
     * @param retryTip appended to a 503's message: how to retry safely
     */
    ResponseEntity<?> answer(Endpoint endpoint, Supplier<IngestResult> ingest, String retryTip) {
        try {
            List<EncodedEvent> events = Rejection.unlessRefused(ingest.get());
            try {
                publisher.publish(events);
            } catch (PublishFailedException e) {
                throw Rejection.unavailable(e.getMessage() + retryTip, events.size());
            }
            metrics.request(endpoint, Outcome.ACCEPTED, events.size());
            return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                    .body(new Accepted(events.size()));
        } catch (Rejection rejection) {
            metrics.request(endpoint, rejection.outcome(), rejection.events());
            return rejection.toResponse();
        }
    }
}
