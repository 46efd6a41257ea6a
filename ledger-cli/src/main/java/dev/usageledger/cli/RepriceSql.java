package dev.usageledger.cli;

/**
 * The SQL {@code ledger reprice} reads the ledger with: requests of a range in pages by the ledger's own key
 * {@code (occurred_at, request_id)}, and the repricing adjustments counted for a page's requests (their
 * {@code occurred_at} is their request's; {@code ix_cost_adjustments_time}). Reads only, without locks.
 */
final class RepriceSql {

    /** Requests in {@code [?, ?)}: how many. */
    static final String COUNT_REQUESTS = """
            SELECT COUNT(*) FROM usage_records WHERE occurred_at >= ? AND occurred_at < ?""";

    /**
     * The next page of requests in {@code [?, ?)} after the key {@code (?, ?)} (given twice: at, at, id), at most
     * {@code ?} rows, in key order.
     */
    static final String PAGE_OF_REQUESTS = """
            SELECT request_id, occurred_at, api_key_id, account_id, account_type, model, \
            input_tokens, output_tokens, cache_create_tokens, ephemeral_5m_tokens, ephemeral_1h_tokens, \
            cache_read_tokens, service_tier, real_cost_usd, rated_cost_usd, pricing_source \
            FROM usage_records \
            WHERE occurred_at >= ? AND occurred_at < ? AND (occurred_at > ? OR (occurred_at = ? AND request_id > ?)) \
            ORDER BY occurred_at, request_id LIMIT ?""";

    private RepriceSql() {}

    /**
     * The repricing adjustments in {@code [?, ?]} (a page's first and last {@code occurred_at}) naming one of
     * {@code n} requests.
     */
    static String repricingsOf(int n) {
        return "SELECT request_id, adjustment_id, real_cost_usd, rated_cost_usd FROM cost_adjustments "
                + "WHERE occurred_at >= ? AND occurred_at <= ? AND adjustment_id LIKE '" + Repricing.ID_PREFIX
                + "%' AND request_id IN (" + "?,".repeat(n - 1) + "?)";
    }
}
