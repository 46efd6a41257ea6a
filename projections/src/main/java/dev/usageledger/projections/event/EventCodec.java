package dev.usageledger.projections.event;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.function.BiFunction;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of {@link LedgerEvent}s on the topic. Thread-safe.
 *
 * <p>Money travels as decimal strings (never binary floating point); instants as RFC 3339 UTC with
 * milliseconds. Decoding is as strict as ingest: a message that does not decode to a valid event
 * raises {@link EventDecodingException} naming the fields at fault.
 *
 * <p>The entry point of both directions: {@link EventWriter} writes the wire form, {@link EventReader} reads it
 * from the object a parser answers.
 */
public final class EventCodec {

    /** A usage event with a breakdown is ~700 bytes. */
    private static final int ENCODED_SIZE_HINT = 1024;

    private final JsonMapper mapper;

    public EventCodec() {
        this(newMapper());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** A mapper that reads JSON numbers exactly ({@link BigDecimal}, never double). */
    public static JsonMapper newMapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .build();
    }

    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * The event's JSON, written straight to bytes (no tree in between: this runs for every event ingested). The only
     * place the wire form is written; {@link #toJson} reads it back.
     */
    public byte[] encode(LedgerEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ENCODED_SIZE_HINT);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            EventWriter.write(g, event);
        }
        return out.toByteArray();
    }

    /** The event's JSON as a tree, exactly as {@link #encode} writes it (for tests and tools). */
    public ObjectNode toJson(LedgerEvent event) {
        return (ObjectNode) mapper.readTree(encode(event));
    }

    /**
     * Decodes one message value; never returns {@code null}. Reads the bytes with Jackson's streaming
     * parser (no {@code JsonNode} tree); the same rules, results and messages as {@link #decodeTree}.
     */
    public LedgerEvent decode(byte[] bytes) {
        return decode(bytes, StreamedObject::read);
    }

    /**
     * The reference decoder: the message read into a {@code JsonNode} tree first, then by the same rules.
     * {@link #decode} is tested against it ({@code EventDecoderEquivalenceTest}).
     */
    LedgerEvent decodeTree(byte[] bytes) {
        return decode(bytes, (m, b) -> {
            JsonNode root = m.readTree(b);
            return root == null || !root.isObject() ? null : FieldLookup.tree(root);
        });
    }

    /** {@code reader} answers the message's root object, or {@code null} when it holds no object. */
    private LedgerEvent decode(byte[] bytes, BiFunction<JsonMapper, byte[], FieldLookup> reader) {
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException("empty message");
        }
        FieldLookup root;
        try {
            root = reader.apply(mapper, bytes);
        } catch (JacksonException e) {
            throw new EventDecodingException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) {
            throw new EventDecodingException("not a JSON object");
        }
        return EventReader.read(root);
    }
}
