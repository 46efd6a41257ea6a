package dev.usageledger.cli.crs;

import java.math.BigDecimal;

/**
 * One key's or account's CRS day next to the baseline's: CRS's total of the day (requests and token measures in
 * {@link BaselineSql#MEASURES} order, the day's cost keys where CRS still has them, else null) and the baseline rows of
 * that day summed (stored costs; requests of unknown cost counted), and whether the report lists a difference for it.
 */
public record DayTotals(String kind, String subject, String day, long[] crs, BigDecimal crsRealCost,
        BigDecimal crsRatedCost, long[] baseline, BigDecimal baselineRealCost, BigDecimal baselineRatedCost,
        long unknownCostRequests, boolean differs) {

    static final String CSV_HEADER = "kind,subject,day,crs_" + String.join(",crs_", BaselineSql.MEASURES)
            + ",crs_real_cost_usd,crs_rated_cost_usd,baseline_" + String.join(",baseline_", BaselineSql.MEASURES)
            + ",baseline_real_cost_usd,baseline_rated_cost_usd,unknown_cost_requests,differs";
}
