package dev.usageledger.cli.crs;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One value read from CRS, ready to write: the parsed key, the UTC instant its bucket starts, and either the hash's
 * measures or a cost key's dollars.
 */
record BaselineRow(CrsKey key, Instant bucketStart, CrsMeasures measures, BigDecimal dollars) {

    static BaselineRow hash(CrsKey key, Instant bucketStart, CrsMeasures measures) {
        return new BaselineRow(key, bucketStart, measures, null);
    }

    static BaselineRow cost(CrsKey key, Instant bucketStart, BigDecimal dollars) {
        return new BaselineRow(key, bucketStart, null, dollars);
    }
}
