package dev.usageledger.cli.crs;

/**
 * One CRS Redis key the import reads, parsed ({@link CrsKeys#parse}): what it holds, for which key or account, model
 * and bucket. {@code model} is null for a total; {@code label} is CRS's bucket label ({@link Granularity}).
 */
public record CrsKey(String redisKey, Kind kind, Granularity granularity, String subjectId, String model,
        String label) {

    /** The key shapes of CRS's usage accounting the baseline imports (reference §1.3-§1.5). */
    public enum Kind {
        /** {@code usage:{keyId}:model:{g}:{model}:{bucket}}: a hash, tokens, requests and micro-USD costs. */
        KEY_MODEL,
        /** {@code usage:{g}:{keyId}:{bucket}}: a hash, the key's totals. */
        KEY_TOTAL,
        /** {@code usage:cost:{g}:{keyId}:{bucket}}: a string, the key's rated cost in USD (INCRBYFLOAT). */
        KEY_RATED_COST,
        /** {@code usage:cost:real:daily:{keyId}:{date}}: a string, the key's real cost in USD (INCRBYFLOAT). */
        KEY_REAL_COST,
        /** {@code account_usage:model:{g}:{accountId}:{model}:{bucket}}: a hash, tokens and requests. */
        ACCOUNT_MODEL,
        /** {@code account_usage:{g}:{accountId}:{bucket}}: a hash, the account's totals. */
        ACCOUNT_TOTAL;

        /** A hash (HGETALL), or else a string (GET). */
        public boolean isHash() {
            return this != KEY_RATED_COST && this != KEY_REAL_COST;
        }
    }
}
