package dev.usageledger.projections.fold;

/** Bucket sizes of the stats tables. Hours are UTC hours; days and months follow the reporting zone. */
public enum Granularity {
    HOUR("hour"),
    DAY("day"),
    MONTH("month");

    private final String sqlName;

    Granularity(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The value stored in the {@code granularity} column. */
    public String sqlName() {
        return sqlName;
    }
}
