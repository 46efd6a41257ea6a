package dev.usageledger.statsapi.web;

import dev.usageledger.statsapi.read.ReadFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns the readers' failures into answers, in one place: 400 with violations, 503 while MySQL cannot answer. */
@RestControllerAdvice
public class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ErrorBody> badRequest(BadRequest e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON).body(e.body());
    }

    @ExceptionHandler(ReadFailedException.class)
    ResponseEntity<ErrorBody> unavailable(ReadFailedException e) {
        log.warn("answering 503: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(new ErrorBody("unavailable", "MySQL did not answer; retry later", null));
    }
}
