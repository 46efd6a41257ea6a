package dev.usageledger.projections.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** Field lookups by scan (small objects) and by index (large ones) answer as the tree model does. */
class StreamedObjectTest {

    private final JsonMapper mapper = EventCodec.newMapper();

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 9, 31, 32, 33, 100, 5000})
    void findsEveryFieldAndTheLastOfDuplicatesAsTheTreeDoes(int fields) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < fields; i++) {
            json.append(i == 0 ? "" : ",").append("\"f").append(i % (fields / 2 + 1)).append("\":").append(i);
        }
        byte[] bytes = json.append("}").toString().getBytes(StandardCharsets.UTF_8);
        StreamedObject streamed = StreamedObject.read(mapper, bytes);
        FieldLookup tree = FieldLookup.tree(mapper.readTree(bytes));
        for (int i = 0; i <= fields; i++) {
            // The tree answers a BigInteger, the stream a Long: the same JSON integer.
            assertThat(value(streamed.get("f" + i))).as("f%d of %d", i, fields).isEqualTo(value(tree.get("f" + i)));
        }
        assertThat(streamed.get("absent")).isNull();
    }

    private static Long value(Object integer) {
        return integer == null ? null : ((Number) integer).longValue();
    }
}
