package dev.usageledger.projections.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON object read with Jackson's streaming {@link JsonParser}, without a {@code JsonNode} tree:
 * its fields as the scalar values {@link FieldLookup} describes (strings, {@code Long} or
 * {@code BigInteger} integers, {@code BigDecimal} for other numbers, booleans), nested objects as
 * further {@code StreamedObject}s, arrays skipped and marked {@link FieldLookup#ARRAY} (the topic's events) or kept as
 * lists of their values (a relay's batch, {@link InputBody}). A later duplicate of a field replaces the earlier one,
 * as in the tree model (unless the mapper's parser refuses duplicates).
 */
final class StreamedObject implements FieldLookup {

    /**
     * The fields in the order read, names and values side by side: an event's objects hold 5 to 20 fields, looked up
     * about once each, so a scan costs no more than hashing, and reading allocates two arrays instead of a
     * {@code HashMap}'s table and an entry per field (a tenth of the consumer's allocation: docs/performance.md,
     * "Consumer CPU and memory").
     */
    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int size;
    /**
     * Above {@value #SCAN_LIMIT} fields (never an event's, but a request body may hold anything up to its size
     * limit), the fields by name, built at the first lookup: a lookup never scans more than that many.
     */
    private Map<String, Object> index;
    private static final int SCAN_LIMIT = 32;

    private StreamedObject() {}

    /** The field's value; of duplicates, the last one read. */
    @Override
    public Object get(String field) {
        if (size > SCAN_LIMIT) {
            if (index == null) {
                index = new HashMap<>(size * 2);
                for (int i = 0; i < size; i++) {
                    index.put(names[i], values[i]);
                }
            }
            return index.get(field);
        }
        for (int i = size - 1; i >= 0; i--) {
            if (field.equals(names[i])) {
                return values[i];
            }
        }
        return null;
    }

    private void add(String name, Object value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size++] = value;
    }

    /**
     * Reads a whole message: one JSON value and nothing after it. Returns {@code null} for a
     * well-formed value that is not an object (or no value at all); malformed JSON raises the
     * parser's {@link JacksonException}.
     */
    static StreamedObject read(JsonMapper mapper, byte[] bytes) {
        return read(mapper, bytes, false);
    }

    /** {@link #read(JsonMapper, byte[])}, with {@code arrays}: arrays as lists of their values instead of skipped. */
    static StreamedObject read(JsonMapper mapper, byte[] bytes, boolean arrays) {
        try (JsonParser p = mapper.createParser(bytes)) {
            JsonToken first = p.nextToken();
            StreamedObject object = null;
            if (first == JsonToken.START_OBJECT) {
                object = readObject(p, arrays);
            } else {
                p.skipChildren();
            }
            if (first != null && p.nextToken() != null) {
                throw new EventDecodingException("not JSON: trailing content after the value");
            }
            return object;
        }
    }

    /** Reads the fields of the object whose START_OBJECT the parser is at, up to its END_OBJECT. */
    private static StreamedObject readObject(JsonParser p, boolean arrays) {
        StreamedObject object = new StreamedObject();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            object.add(name, value(p, p.nextToken(), arrays));
        }
        return object;
    }

    /** The values of the array whose START_ARRAY the parser is at, up to its END_ARRAY. */
    private static List<Object> readArray(JsonParser p) {
        List<Object> values = new ArrayList<>();
        for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
            values.add(value(p, token, true));
        }
        return values;
    }

    private static Object value(JsonParser p, JsonToken token, boolean arrays) {
        return switch (token) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case START_OBJECT -> readObject(p, arrays);
            case START_ARRAY -> {
                if (arrays) {
                    yield readArray(p);
                }
                p.skipChildren();
                yield FieldLookup.ARRAY;
            }
            default -> null;
        };
    }
}
