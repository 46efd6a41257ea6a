package dev.usageledger.statsapi.read;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque {@code cursor} of {@code GET /v1/ledger}: the position after which the next page starts, (occurredAt,
 * requestId), bound to the query it was issued for and checksummed, in URL-safe base64. Tamper-evident, not secret:
 * a position grants nothing a caller could not ask for with {@code from}; the checksum makes an edited, truncated or
 * foreign cursor (another range or filter) a 400 instead of a silently wrong walk.
 */
public final class LedgerCursor {

    private static final byte VERSION = 1;
    private static final int CHECKSUM_BYTES = 12;
    private static final int MAX_REQUEST_ID_BYTES = 128;

    private LedgerCursor() {}

    /** A position in (occurred_at, request_id) order: the last record of a page. */
    public record Position(Instant occurredAt, String requestId) {}

    public static String encode(Position position, LedgerQuery query) {
        byte[] id = position.requestId().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer body = ByteBuffer.allocate(1 + Long.BYTES + id.length);
        body.put(VERSION).putLong(position.occurredAt().toEpochMilli()).put(id);
        byte[] payload = body.array();
        byte[] cursor = Arrays.copyOf(payload, payload.length + CHECKSUM_BYTES);
        System.arraycopy(checksum(payload, query), 0, cursor, payload.length, CHECKSUM_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor);
    }

    /** The position in {@code cursor}, or empty when it is malformed, altered or was issued for another query. */
    public static Optional<Position> decode(String cursor, LedgerQuery query) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int payloadLength = bytes.length - CHECKSUM_BYTES;
        if (payloadLength < 1 + Long.BYTES + 1 || payloadLength > 1 + Long.BYTES + MAX_REQUEST_ID_BYTES
                || bytes[0] != VERSION) {
            return Optional.empty();
        }
        byte[] payload = Arrays.copyOf(bytes, payloadLength);
        byte[] expected = Arrays.copyOf(checksum(payload, query), CHECKSUM_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, payloadLength, bytes.length))) {
            return Optional.empty();
        }
        ByteBuffer body = ByteBuffer.wrap(payload, 1, payloadLength - 1);
        Instant at = Instant.ofEpochMilli(body.getLong());
        String requestId = new String(payload, 1 + Long.BYTES, payloadLength - 1 - Long.BYTES,
                StandardCharsets.US_ASCII);
        return Optional.of(new Position(at, requestId));
    }

    private static byte[] checksum(byte[] payload, LedgerQuery query) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("usage-ledger cursor v1\n".getBytes(StandardCharsets.US_ASCII));
            sha.update(query.fingerprint().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            return sha.digest(payload);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
