package dev.usageledger.projections.version;

import dev.usageledger.projections.event.CostAdjusted;
import dev.usageledger.projections.event.LedgerEvent;
import dev.usageledger.projections.event.UsageRecorded;
import dev.usageledger.projections.value.PricingSource;
import dev.usageledger.projections.value.TokenUsage;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fields of one version of an event that its caller sent (CONTRACT §1 and §2), in one canonical form: what two
 * versions of one id are compared on ({@link #differingFields}) and what their {@link #fingerprint} is computed from.
 * Never what the service added: not {@code receivedAt}, the relay or admin name, the normalised model, nor a cost the
 * catalog computed (a request's cost is a caller's field only when its pricing source is {@code relay}). Pure.
 *
 * <p>Field names are the wire names of the ingest bodies ({@code usage.inputTokens}, {@code cost}, …); values are
 * canonical strings ({@code null} when not sent): instants as epoch milliseconds, amounts without trailing zeros.
 */
public final class CallerFields {

    /** Bytes of a fingerprint: SHA-256, truncated. */
    public static final int FINGERPRINT_BYTES = 16;

    private final Map<String, String> values;

    private CallerFields(Map<String, String> values) {
        this.values = values;
    }

    /** The caller-sent fields of a usage or adjustment version. */
    public static CallerFields of(LedgerEvent event) {
        return event instanceof UsageRecorded u ? of(u) : of((CostAdjusted) event);
    }

    private static CallerFields of(UsageRecorded u) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("requestId", u.requestId());
        v.put("occurredAt", instant(u.occurredAt()));
        v.put("apiKeyId", u.apiKeyId());
        v.put("accountId", u.accountId());
        v.put("accountType", u.accountType());
        v.put("model", u.reportedModel() != null ? u.reportedModel() : u.model());
        TokenUsage t = u.usage();
        v.put("usage.inputTokens", Long.toString(t.input()));
        v.put("usage.outputTokens", Long.toString(t.output()));
        v.put("usage.cacheCreateTokens", Long.toString(t.cacheCreate()));
        v.put("usage.ephemeral5mTokens", Long.toString(t.ephemeral5m()));
        v.put("usage.ephemeral1hTokens", Long.toString(t.ephemeral1h()));
        v.put("usage.cacheReadTokens", Long.toString(t.cacheRead()));
        v.put("serviceTier", u.serviceTier());
        v.put("longContext", Boolean.toString(u.longContext()));
        v.put("endpoint", u.endpoint());
        v.put("statusCode", u.statusCode() == null ? null : u.statusCode().toString());
        v.put("stream", u.stream() == null ? null : u.stream().toString());
        v.put("durationMs", u.durationMs() == null ? null : u.durationMs().toString());
        v.put("cost", u.cost().source() == PricingSource.RELAY
                ? amount(u.cost().realUsd()) + "/" + amount(u.cost().ratedUsd()) : null);
        return new CallerFields(v);
    }

    private static CallerFields of(CostAdjusted a) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("adjustmentId", a.adjustmentId());
        v.put("occurredAt", instant(a.occurredAt()));
        v.put("apiKeyId", a.apiKeyId());
        v.put("accountId", a.accountId());
        v.put("model", a.model());
        v.put("realUsd", amount(a.realUsd()));
        v.put("ratedUsd", amount(a.ratedUsd()));
        v.put("reason", a.reason());
        if (a.requestId() != null) {
            // Only when named (schema version 2): the fingerprint of an adjustment that names none stays as it was.
            v.put("requestId", a.requestId());
        }
        return new CallerFields(v);
    }

    /** The names of the fields whose values differ, in canonical order; empty when the versions are the same. */
    public List<String> differingFields(CallerFields other) {
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!Objects.equals(e.getValue(), other.values.get(e.getKey()))) {
                differing.add(e.getKey());
            }
        }
        // A field only one version holds (an adjustment's requestId) differs whichever side is asked.
        for (Map.Entry<String, String> e : other.values.entrySet()) {
            if (!values.containsKey(e.getKey()) && e.getValue() != null) {
                differing.add(e.getKey());
            }
        }
        return differing;
    }

    /**
     * SHA-256 of the canonical encoding, truncated to {@value #FINGERPRINT_BYTES} bytes: each field in canonical
     * order as a 0 byte when not sent, else a 1 byte, the length of its UTF-8 bytes (4 bytes, big-endian) and the
     * bytes. Equal for versions whose caller-sent fields are equal, and only for them (up to a hash collision).
     */
    public byte[] fingerprint() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        for (String value : values.values()) {
            if (value == null) {
                sha.update((byte) 0);
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) 1);
                sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha.update(bytes);
            }
        }
        return Arrays.copyOf(sha.digest(), FINGERPRINT_BYTES);
    }

    private static String instant(Instant at) {
        return Long.toString(at.toEpochMilli());
    }

    private static String amount(BigDecimal usd) {
        return usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }
}
