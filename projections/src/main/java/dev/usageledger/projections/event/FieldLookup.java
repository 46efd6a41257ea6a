package dev.usageledger.projections.event;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One JSON object's fields, as {@link JsonFields} reads them. {@link #get} answers {@code null} (absent or JSON
 * {@code null}), a {@link String}, a {@link Long} or {@link BigInteger} (JSON integer), a {@link BigDecimal} (any
 * other JSON number), a {@link Boolean}, a {@code FieldLookup} (JSON object), or for a JSON array a {@link List} of
 * such values (or {@link #ARRAY}, when the reader skipped its elements). The rules of {@link JsonFields} read no
 * array: for them an array is just not one of the kinds they accept.
 *
 * <p>Two readers answer it: {@link #tree} over a {@link JsonNode} (relay input, the reference decoder) and
 * {@link StreamedObject} (the topic's events, read by a streaming parser).
 */
@FunctionalInterface
interface FieldLookup {

    /** A field's value when it is a JSON array whose elements the reader skipped. */
    Object ARRAY = new Object();

    /** An object without fields. */
    FieldLookup EMPTY = field -> null;

    Object get(String field);

    /** A tree object's fields. */
    static FieldLookup tree(JsonNode node) {
        return field -> fromTree(node.get(field));
    }

    private static Object fromTree(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.stringValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isObject() ? tree(v) : elements(v);
    }

    /** A tree array's elements, each read when asked for. */
    private static List<Object> elements(JsonNode array) {
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return fromTree(array.get(index));
            }

            @Override
            public int size() {
                return array.size();
            }
        };
    }
}
