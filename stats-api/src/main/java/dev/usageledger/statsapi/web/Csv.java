package dev.usageledger.statsapi.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code text/csv} answers (RFC 4180): a header row, then one line per point, item or record, written straight to the
 * response as they come; a field with a comma, quote or line break is quoted. {@code projectedAt} travels in the
 * {@value #PROJECTED_AT} header, since CSV has no place for it.
 *
 * <p>An answer written as it is read ({@link #stream}) may fail after its first bytes left: it then ends as a broken
 * transfer, never as a shorter file that looks complete.
 */
final class Csv implements AutoCloseable {

    static final String PROJECTED_AT = "X-Projected-At";

    private final Writer out;

    private Csv(Writer out) {
        this.out = out;
    }

    static Csv open(HttpServletResponse response, Instant projectedAt, List<String> header) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/csv;charset=UTF-8");
        if (projectedAt != null) {
            response.setHeader(PROJECTED_AT, projectedAt.toString());
        }
        Csv csv = new Csv(new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                1 << 16));
        csv.row(header);
        return csv;
    }

    /** Writes the lines of a CSV answer as {@code body} produces them. */
    @FunctionalInterface
    interface Body {
        void writeTo(Csv csv) throws IOException;
    }

    /**
     * Opens the answer, lets {@code body} write its lines, and flushes. A failure before anything was sent propagates
     * unchanged, the response reset, so it is answered as any other (503, …). A failure after the response was
     * committed becomes {@link AbortedAnswerException}, which no handler answers: the server then closes the
     * connection without the final chunk, so the client sees the transfer fail. Nothing buffered is flushed then.
     */
    static void stream(HttpServletResponse response, Instant projectedAt, List<String> header, Body body)
            throws IOException {
        Csv csv = open(response, projectedAt, header);
        try {
            body.writeTo(csv);
        } catch (IOException | RuntimeException e) {
            if (response.isCommitted()) {
                throw new AbortedAnswerException(e);
            }
            response.reset();
            throw e;
        }
        csv.close();
    }

    void row(List<?> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Object field = fields.get(i);
            if (field != null) {
                write(field.toString());
            }
        }
        out.write("\r\n");
    }

    private void write(String field) throws IOException {
        boolean quote = false;
        for (int i = 0; i < field.length() && !quote; i++) {
            char ch = field.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\r' || ch == '\n';
        }
        if (!quote) {
            out.write(field);
            return;
        }
        out.write('"');
        out.write(field.replace("\"", "\"\""));
        out.write('"');
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
