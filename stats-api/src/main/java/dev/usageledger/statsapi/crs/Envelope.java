package dev.usageledger.statsapi.crs;

import java.util.LinkedHashMap;
import java.util.Map;

/** CRS's success envelope, {@code {"success": true, "data": …}}, with the top-level fields some answers add. */
final class Envelope {

    private Envelope() {}

    static Map<String, Object> of(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
