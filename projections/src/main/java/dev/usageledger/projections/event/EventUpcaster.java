package dev.usageledger.projections.event;

/**
 * Reads an event written at an older schema version as the current one, field by field, while {@link EventReader}
 * reads it: no second pass over the message and no intermediate event. A reader refuses a version above
 * {@link LedgerEvent#CURRENT_SCHEMA_VERSION} before it gets here; every version from 1 up to it is read.
 *
 * <p>Version 2 differs from version 1 in one field, {@code cost.adjusted}'s optional {@code requestId}: the
 * {@code usage.recorded} request the adjustment corrects ({@code ledger reprice} writes one adjustment per request;
 * an admin may name the request a credit is for). A version 1 adjustment never named one, so its value is
 * {@code null} ("corrects no request in particular"): it is never guessed from the adjustment's id or reason, and a
 * {@code requestId} field in a version 1 message is ignored as any unknown field is. {@code usage.recorded} is the
 * same in both versions.
 */
final class EventUpcaster {

    /** The first schema version whose {@code cost.adjusted} carries {@code requestId}. */
    static final int ADJUSTMENT_REQUEST_ID_SINCE = 2;

    private EventUpcaster() {}

    /**
     * A {@code cost.adjusted}'s {@code requestId}: the message's own from version 2 on (optional; the
     * {@code requestId} rule of CONTRACT §1 when present), {@code null} for version 1.
     */
    static String adjustedRequestId(JsonFields adjustment, int version) {
        if (version < ADJUSTMENT_REQUEST_ID_SINCE) {
            return null;
        }
        return adjustment.id("requestId", false, 128);
    }
}
