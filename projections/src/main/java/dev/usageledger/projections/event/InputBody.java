package dev.usageledger.projections.event;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A relay's {@code POST /v1/usage-events} body as {@link InputParser#usageBatch(InputBody, java.time.Instant)} reads
 * it: the root object and its {@code events} array, whether read into a {@code JsonNode} tree ({@link #of}) or
 * straight from the bytes with Jackson's streaming parser ({@link #read}, no tree). Both give the same fields through
 * the same {@link JsonFields} rules, so a batch is accepted or refused, with the same violations, either way.
 */
public final class InputBody {

    /** The root object; {@code null} when the body is JSON but not an object. */
    private final FieldLookup root;

    private InputBody(FieldLookup root) {
        this.root = root;
    }

    /** A body already read into a tree ({@code null} or a value that is not an object: no events). */
    public static InputBody of(JsonNode root) {
        return new InputBody(root != null && root.isObject() ? FieldLookup.tree(root) : null);
    }

    /**
     * Reads {@code body} with {@code mapper}'s streaming parser (its read features apply, e.g. duplicate detection)
     * when it holds one JSON object and nothing after it; {@code null} for anything else — malformed JSON, no value,
     * trailing content, a value that is not an object — which the caller reads as a tree to answer what is wrong.
     */
    public static InputBody read(JsonMapper mapper, byte[] body) {
        try {
            StreamedObject root = StreamedObject.read(mapper, body, true);
            return root == null ? null : new InputBody(root);
        } catch (JacksonException | EventDecodingException e) {
            return null;
        }
    }

    FieldLookup root() {
        return root;
    }

    /** The number of events, when the body has an events array; 0 otherwise (the parser names what is wrong). */
    public int eventCount() {
        return root != null && root.get("events") instanceof List<?> events ? events.size() : 0;
    }
}
