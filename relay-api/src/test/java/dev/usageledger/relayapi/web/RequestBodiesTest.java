package dev.usageledger.relayapi.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;

class RequestBodiesTest {

    private final RequestBodies bodies = new RequestBodies(1024);

    @Test
    void readsABodyOfExactlyTheLimit() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setContent(new byte[1024]);
        assertThat(bodies.read(request)).hasSize(1024);
    }

    @Test
    void answers413WhenContentLengthAnnouncesTooMuch() {
        MockHttpServletRequest request = new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return 5000;
            }
        };
        request.setContent(new byte[10]);
        assertThatThrownBy(() -> bodies.read(request))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
    }

    @Test
    void answers413WhenMoreArrivesThanContentLengthClaimed() {
        MockHttpServletRequest request = new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return 10;
            }
        };
        request.setContent(new byte[1025]);
        assertThatThrownBy(() -> bodies.read(request))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
    }

    @Test
    void readsTheDeclaredLengthAndWhateverFollowsItWithinTheLimit() throws Exception {
        byte[] ten = "0123456789".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBodies.read(new ByteArrayInputStream(ten), 1024, 10)).isEqualTo(ten);
        assertThat(RequestBodies.read(new ByteArrayInputStream(ten), 1024, 3)).isEqualTo(ten);
        assertThat(RequestBodies.read(new ByteArrayInputStream(ten), 1024, 50)).isEqualTo(ten);
        assertThat(RequestBodies.read(new ByteArrayInputStream(ten), 10, 10)).isEqualTo(ten);
        assertThat(RequestBodies.read(new ByteArrayInputStream(new byte[0]), 1024, 0)).isEmpty();
        assertThatThrownBy(() -> RequestBodies.read(new ByteArrayInputStream(ten), 9, 9))
                .isInstanceOf(RequestBodies.BodyTooLargeException.class);
        assertThatThrownBy(() -> RequestBodies.read(new ByteArrayInputStream(new byte[2048]), 1024, 100))
                .isInstanceOf(RequestBodies.BodyTooLargeException.class);
    }

    @Test
    void aDeclaredLengthAboveThePreallocationCapIsReadAsItArrives() throws Exception {
        int large = RequestBodies.PREALLOCATE_MAX + 10;
        byte[] body = new byte[large - 5];
        java.util.Arrays.fill(body, (byte) 'x');
        // declared longer than what arrives, above the cap: the bytes that arrived, nothing allocated for the rest
        assertThat(RequestBodies.read(new ByteArrayInputStream(body), 4L * large, large)).isEqualTo(body);
        assertThatThrownBy(() -> RequestBodies.read(new ByteArrayInputStream(new byte[large + 1]), large, large))
                .isInstanceOf(RequestBodies.BodyTooLargeException.class);
    }

    @Test
    void stopsReadingAnEndlessStreamOnceOverTheLimit() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> RequestBodies.read(endless, 1024))
                .isInstanceOf(RequestBodies.BodyTooLargeException.class);
    }

    @Test
    void readsNumbersExactlyAndKeepsStringsAsStrings() throws Exception {
        JsonNode node = bodies.parse("{\"a\": 0.1, \"b\": \"12\", \"c\": 12345678901234567890}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(node.get("a").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(node.get("a").isIntegralNumber()).isFalse();
        assertThat(node.get("b").isString()).isTrue();
        assertThat(node.get("c").bigIntegerValue().toString()).isEqualTo("12345678901234567890");
        assertThat(RequestBodies.read(new ByteArrayInputStream(new byte[3]), 3)).hasSize(3);
    }

    @Test
    void rejectsMalformedEmptyDuplicateKeyAndTrailingContentAsBodyViolations() {
        for (String body : new String[] {"{", "", "{\"a\":1,\"a\":2}", "{} {}", "{\"a\": 1} x"}) {
            assertThatThrownBy(() -> bodies.parse(body.getBytes(StandardCharsets.UTF_8)))
                    .as(body)
                    .isInstanceOfSatisfying(Rejection.class, r -> {
                        assertThat(r.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                        assertThat(r.violations()).singleElement()
                                .satisfies(v -> assertThat(v.field()).isEqualTo("body"));
                    });
        }
    }
}
