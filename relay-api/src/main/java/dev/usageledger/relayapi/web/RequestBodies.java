package dev.usageledger.relayapi.web;

import dev.usageledger.projections.event.InputJson;
import dev.usageledger.projections.event.MalformedBodyException;
import dev.usageledger.projections.event.Violation;
import dev.usageledger.projections.ingest.IngestResult;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads request bodies within the size limit (413 beyond it) and, for the endpoints that take a JSON tree, parses them
 * strictly with {@link InputJson} (400 naming the field {@code body} when they are not JSON).
 */
public final class RequestBodies {

    private static final int CHUNK = 8192;
    /** Largest declared length read into an array allocated before the bytes arrive (a batch of 1,000 is ~0.5 MB). */
    static final int PREALLOCATE_MAX = 1 << 20;

    private final long maxBytes;
    private final InputJson json = new InputJson();

    public RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The body, or a 413 as soon as more than {@code maxBytes} arrive (Content-Length is checked, never trusted). */
    public byte[] read(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        try {
            return read(request.getInputStream(), maxBytes, declared);
        } catch (BodyTooLargeException e) {
            throw tooLarge();
        } catch (IOException e) {
            throw Rejection.invalid("the body could not be read",
                    List.of(new Violation(null, "body", "could not be read: " + e.getMessage())), -1);
        }
    }

    /** Reads {@code in} to its end; throws {@link BodyTooLargeException} once more than {@code maxBytes} arrived. */
    static byte[] read(InputStream in, long maxBytes) throws IOException {
        return read(in, maxBytes, -1);
    }

    /**
     * As {@link #read(InputStream, long)}; when the client declared a length within the limit and at most
     * {@value #PREALLOCATE_MAX} bytes, the body is read into an array of that size, no copies, and the stream is still
     * read to its end: bytes beyond the declared length are taken too, up to the limit. A larger declared length is
     * read as an undeclared one, growing with the bytes that arrive: a caller that declares a large body and stalls
     * does not hold that much memory.
     */
    static byte[] read(InputStream in, long maxBytes, long declared) throws IOException {
        byte[] first = new byte[0];
        if (declared >= 0 && declared <= maxBytes && declared <= PREALLOCATE_MAX) {
            first = new byte[(int) declared];
            int read = in.readNBytes(first, 0, first.length);
            if (read < first.length) {
                return Arrays.copyOf(first, read);
            }
            int next = in.read();
            if (next == -1) {
                return first;
            }
            if (first.length + 1 > maxBytes) {
                throw new BodyTooLargeException();
            }
            first = Arrays.copyOf(first, first.length + 1);
            first[first.length - 1] = (byte) next;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(CHUNK, first.length + CHUNK));
        out.write(first);
        byte[] buffer = new byte[CHUNK];
        long total = first.length;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw new BodyTooLargeException();
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The JSON tree of {@code body}, or a 400 naming the field {@code body}. */
    public JsonNode parse(byte[] body) {
        try {
            return json.tree(body);
        } catch (MalformedBodyException e) {
            throw Rejection.of(IngestResult.Rejected.malformed(e));
        }
    }

    private Rejection tooLarge() {
        return Rejection.tooLarge("the body is larger than " + maxBytes + " bytes", -1);
    }

    /** The body went over the limit while it was read. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("body too large", null);
        }
    }
}
