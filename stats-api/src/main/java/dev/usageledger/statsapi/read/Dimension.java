package dev.usageledger.statsapi.read;

import java.util.Arrays;
import java.util.Optional;

/** What a series is grouped by or a top list ranks: its parameter value and the column that holds it. */
public enum Dimension {
    NONE("none", null),
    API_KEY_ID("apiKeyId", "api_key_id"),
    MODEL("model", "model"),
    ACCOUNT_ID("accountId", "account_id");

    private final String parameter;
    private final String column;

    Dimension(String parameter, String column) {
        this.parameter = parameter;
        this.column = column;
    }

    public String parameter() {
        return parameter;
    }

    /** The grouping column, {@code null} for {@link #NONE}. */
    String column() {
        return column;
    }

    /** The dimension named {@code value} exactly (case-sensitive, as the contract spells it). */
    public static Optional<Dimension> parse(String value) {
        return Arrays.stream(values()).filter(d -> d.parameter.equals(value)).findFirst();
    }
}
