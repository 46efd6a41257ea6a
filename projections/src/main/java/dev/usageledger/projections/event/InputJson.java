package dev.usageledger.projections.event;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as JSON, strictly: raw JSON types are kept (numbers exactly, strings as strings), so validation
 * can tell {@code 12} from {@code "12"} and {@code 1.5} from {@code 1}; duplicate keys and trailing content are
 * refused, since both make a body mean two things. A body that is not such JSON raises
 * {@link MalformedBodyException}, the same for every endpoint. Thread-safe.
 */
public final class InputJson {

    private final JsonMapper mapper = EventCodec.newMapper().rebuild()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The JSON tree of {@code body}. */
    public JsonNode tree(byte[] body) {
        if (body.length == 0) {
            throw new MalformedBodyException("is empty");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new MalformedBodyException("is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (root == null || root.isMissingNode()) {
            throw new MalformedBodyException("is empty");
        }
        return root;
    }

    /**
     * A usage batch's body, read with the streaming parser straight into {@link InputBody} (no tree: this runs for
     * every event ingested). What it cannot read as one JSON object is read by {@link #tree}, so a body that is not
     * JSON is refused with the same {@link MalformedBodyException} either way.
     */
    public InputBody batch(byte[] body) {
        InputBody streamed = InputBody.read(mapper, body);
        return streamed != null ? streamed : InputBody.of(tree(body));
    }
}
