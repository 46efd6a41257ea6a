package dev.usageledger.statsapi.crs;

import dev.usageledger.statsapi.read.TooManyGroupsException;
import dev.usageledger.statsapi.web.ErrorBody;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The error answers of the CRS-compatible reads: {@code {"error", "message"}} with CRS's 4xx statuses. */
@RestControllerAdvice(basePackageClasses = CrsErrors.class)
class CrsErrors {

    @ExceptionHandler(CrsError.class)
    ResponseEntity<ErrorBody> crs(CrsError e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorBody(e.error(), e.getMessage(), null));
    }

    @ExceptionHandler(TooManyGroupsException.class)
    ResponseEntity<ErrorBody> tooMany(TooManyGroupsException e) {
        return crs(CrsError.invalid("days", "asks for too many points (" + e.getMessage() + "): ask for fewer days or "
                + "a shorter range"));
    }
}
