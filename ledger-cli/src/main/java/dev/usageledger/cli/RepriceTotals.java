package dev.usageledger.cli;

import dev.usageledger.projections.event.CostAdjusted;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The adjustments of a repricing summed per API key and model: how many, and the real and rated differences. Holds
 * one entry per key and model met.
 */
final class RepriceTotals {

    private record Sum(long count, BigDecimal realUsd, BigDecimal ratedUsd) {
        Sum plus(CostAdjusted a) {
            return new Sum(count + 1, realUsd.add(a.realUsd()), ratedUsd.add(a.ratedUsd()));
        }
    }

    private final Map<String, Map<String, Sum>> byKey = new TreeMap<>();
    private Sum all = new Sum(0, BigDecimal.ZERO, BigDecimal.ZERO);

    void add(CostAdjusted a) {
        byKey.computeIfAbsent(a.apiKeyId(), k -> new TreeMap<>())
                .merge(a.model(), new Sum(0, BigDecimal.ZERO, BigDecimal.ZERO).plus(a),
                        (s, one) -> s.plus(a));
        all = all.plus(a);
    }

    long count() {
        return all.count();
    }

    /** A header, one tab-separated line per key and model, and a {@code total} line. */
    void print(PrintWriter out) {
        out.println("api_key_id\tmodel\trequests\treal_usd_difference\trated_usd_difference");
        byKey.forEach((key, models) -> models.forEach((model, s) -> line(out, key, model, s)));
        line(out, "total", "*", all);
        out.flush();
    }

    private static void line(PrintWriter out, String key, String model, Sum s) {
        out.println(key + "\t" + model + "\t" + s.count() + "\t" + plain(s.realUsd()) + "\t" + plain(s.ratedUsd()));
    }

    private static String plain(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
