package dev.usageledger.projections.event;

import java.util.Arrays;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutations of JSON inputs for the equivalence tests of the streaming readers against the tree (the consumer's
 * decoder here, relay-api's batch parser there): a field replaced or removed, and broken bytes.
 */
public final class JsonMutations {

    private static final JsonMapper JSON = EventCodec.newMapper();

    private JsonMutations() {
    }

    /**
     * Sets the field at the dotted {@code path} of {@code root} to {@code rawJson} (removes it when null); leaves
     * {@code root} as it is when a parent on the path is not an object. Returns {@code root}.
     */
    public static ObjectNode set(ObjectNode root, String path, String rawJson) {
        String[] parts = path.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            if (!(parent.get(parts[i]) instanceof ObjectNode o)) {
                return root;
            }
            parent = o;
        }
        String last = parts[parts.length - 1];
        if (rawJson == null) {
            parent.remove(last);
        } else {
            parent.set(last, JSON.readTree(rawJson));
        }
        return root;
    }

    /** A copy of {@code bytes} cut short, with one byte replaced, or with two neighbours swapped. */
    public static byte[] breakBytes(byte[] bytes, Random random) {
        byte[] broken = bytes.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                return Arrays.copyOf(broken, random.nextInt(broken.length));
            }
            case 1 -> broken[random.nextInt(broken.length)] = (byte) random.nextInt(256);
            default -> {
                int i = random.nextInt(broken.length);
                byte b = broken[i];
                broken[i] = broken[(i + 1) % broken.length];
                broken[(i + 1) % broken.length] = b;
            }
        }
        return broken;
    }
}
