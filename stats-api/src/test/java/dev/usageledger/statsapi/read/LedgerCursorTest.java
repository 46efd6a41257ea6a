package dev.usageledger.statsapi.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usageledger.statsapi.read.LedgerCursor.Position;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LedgerCursorTest {

    private static final LedgerQuery QUERY = new LedgerQuery(Instant.parse("2026-03-01T00:00:00Z"),
            Instant.parse("2026-04-01T00:00:00Z"), new Filters("key_a", null, null));
    private static final Position POSITION = new Position(Instant.parse("2026-03-05T10:15:30.123Z"), "req_01:x.y-z");

    @Test
    void decodesWhatItEncoded() {
        String cursor = LedgerCursor.encode(POSITION, QUERY);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(LedgerCursor.decode(cursor, QUERY)).contains(POSITION);
    }

    @Test
    void refusesAnyChangedByte() {
        byte[] bytes = Base64.getUrlDecoder().decode(LedgerCursor.encode(POSITION, QUERY));
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 0x01;
            assertThat(LedgerCursor.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(changed), QUERY))
                    .as("byte %d", i).isEmpty();
        }
    }

    @Test
    void refusesACursorOfAnotherQueryAndGarbage() {
        String cursor = LedgerCursor.encode(POSITION, QUERY);

        assertThat(LedgerCursor.decode(cursor, new LedgerQuery(QUERY.from(), QUERY.to(), Filters.NONE))).isEmpty();
        assertThat(LedgerCursor.decode("not base64!", QUERY)).isEmpty();
        assertThat(LedgerCursor.decode("", QUERY)).isEmpty();
        assertThat(LedgerCursor.decode(cursor.substring(0, 10), QUERY)).isEmpty();
    }
}
