package dev.usageledger.statsapi.read;

import java.util.ArrayList;
import java.util.List;

/** Equality filters of a request; {@code null} means no filter. */
public record Filters(String apiKeyId, String model, String accountId) {

    public static final Filters NONE = new Filters(null, null, null);

    /** The account projection holds accounts and models, never keys: an account filter or grouping reads it. */
    boolean needsAccountProjection(Dimension groupBy) {
        return accountId != null || groupBy == Dimension.ACCOUNT_ID;
    }

    /** {@code AND column = ?} per filter, in the order of {@link #values()}. */
    String conditions() {
        StringBuilder sql = new StringBuilder();
        if (apiKeyId != null) {
            sql.append(" AND api_key_id = ?");
        }
        if (model != null) {
            sql.append(" AND model = ?");
        }
        if (accountId != null) {
            sql.append(" AND account_id = ?");
        }
        return sql.toString();
    }

    List<String> values() {
        List<String> values = new ArrayList<>(3);
        if (apiKeyId != null) {
            values.add(apiKeyId);
        }
        if (model != null) {
            values.add(model);
        }
        if (accountId != null) {
            values.add(accountId);
        }
        return values;
    }
}
