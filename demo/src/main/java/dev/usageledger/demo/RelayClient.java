package dev.usageledger.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What a relay node does with usage-ledger: POST batches of usage events (and, as an admin, adjustments). */
public final class RelayClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final String baseUrl;

    public RelayClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public JsonMapper mapper() {
        return mapper;
    }

    /** Posts one batch; retries on 503 and connection errors with the same request ids (always safe). */
    public int postUsage(ArrayNode events, String token) throws InterruptedException {
        ObjectNode body = mapper.createObjectNode();
        body.set("events", events);
        return postWithRetry("/v1/usage-events", mapper.writeValueAsBytes(body), token);
    }

    public int postAdjustment(ObjectNode adjustment, String token) throws InterruptedException {
        return postWithRetry("/v1/cost-adjustments", mapper.writeValueAsBytes(adjustment), token);
    }

    private int postWithRetry(String path, byte[] body, String token) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503 || attempt >= 20) {
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException(path + " answered " + response.statusCode() + ": "
                                + response.body());
                    }
                    return response.statusCode();
                }
            } catch (IOException e) {
                if (attempt >= 20) {
                    throw new IllegalStateException(path + " unreachable", e);
                }
            }
            Thread.sleep(Math.min(2000, 100L * attempt));
        }
    }
}
